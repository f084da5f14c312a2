#pragma once
// Shared by the optimizer tests: run an optimizer over a fixed gradient sequence, and the
// values torch.optim gave for the same sequence.
//
// The expected values were printed (as float.hex) by torch 1.13 with
//   p = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
//   for g in GRADS: p.grad = torch.tensor(g, dtype=torch.float64); opt.step()

#include <gradflow/optim/optimizer.hpp>
#include <gradflow/tensor/tensor.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

namespace gradflow::optim::test {

inline const std::vector<std::vector<double>> kGrads = {
    {0.1, -0.2, 0.3}, {-0.4, 0.5, 0.6}, {0.7, 0.0, -0.1}};

/// The parameter after each step of the optimizer `make` builds over it.
inline std::vector<std::vector<double>> run_steps(
    const std::function<std::unique_ptr<Optimizer>(std::vector<Tensor>)>& make) {
  Tensor p = tensor({1.0, -2.0, 0.5}, DType::Float64).requires_grad_();
  std::unique_ptr<Optimizer> opt = make({p});
  std::vector<std::vector<double>> out;
  for (const std::vector<double>& g : kGrads) {
    opt->zero_grad();
    // The gradient of sum(p * g) is g: a real backward pass sets it.
    sum(p * tensor(g, DType::Float64)).backward();
    opt->step();
    out.push_back(p.to_vector());
  }
  return out;
}

inline void expect_steps(const std::vector<std::vector<double>>& got,
                         const std::vector<std::vector<double>>& want, double tol = 1e-15) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t s = 0; s < got.size(); ++s) {
    for (std::size_t i = 0; i < got[s].size(); ++i) {
      EXPECT_NEAR(got[s][i], want[s][i], tol) << "step " << s + 1 << " element " << i;
    }
  }
}

}  // namespace gradflow::optim::test
