#pragma once
// Shared by the tensor tests: inputs sampled from a gate's domain.

#include <gradflow/gates/gate.hpp>
#include <gradflow/tensor/tensor.hpp>

#include <cstddef>
#include <vector>

namespace gradflow::test {

/// Values for one input: a shape and where to sample.
struct InputSpec {
  Shape shape;
  gates::Domain domain = {-2.0, 2.0};
};

/// A float64 tensor of spec.shape, uniform in the domain (of either sign where it says so).
inline Tensor sample(const InputSpec& spec, Generator& gen) {
  std::vector<double> v(static_cast<std::size_t>(spec.shape.numel()));
  for (double& x : v) {
    const double m = spec.domain.lo + (spec.domain.hi - spec.domain.lo) * gen.uniform();
    x = spec.domain.either_sign && gen.uniform() < 0.5 ? -m : m;
  }
  return tensor(v, spec.shape.vec(), DType::Float64);
}

}  // namespace gradflow::test
