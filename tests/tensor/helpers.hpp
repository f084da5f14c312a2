#pragma once
// Shared by the tensor tests: inputs sampled from a gate's domain, the check of an Error's
// message, and test names made from case names.

#include <gradflow/core/error.hpp>
#include <gradflow/gates/gate.hpp>
#include <gradflow/tensor/tensor.hpp>

#include <gtest/gtest.h>

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
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

/// Expects `f` to throw gradflow::Error whose message contains `text`.
template <class F>
void expect_error(F f, const std::string& text) {
  try {
    f();
    ADD_FAILURE() << "no Error thrown; expected one saying: " << text;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

/// A case's name as a GoogleTest name may be: letters, digits and '_'.
inline std::string test_name(std::string_view name) {
  std::string s;
  for (char ch : name) s += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return s;
}

}  // namespace gradflow::test
