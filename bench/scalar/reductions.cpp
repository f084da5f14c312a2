// sum, prod and log-sum-exp of N = 100,000 inputs, gradient with respect to every input. The
// gradflow variants include everything a caller does: new_graph(), Var::leaves() for the
// inputs, the forward pass, backward() and grads() into the caller's array.

#include <bench_common.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace {

using namespace gradflow;
using bench::TapeUse;

constexpr std::size_t kN = 100'000;

// Records the leaves and notes where the gates start (when use is wanted).
struct Leaves {
  std::vector<Var> xs;
  std::size_t gates_start = 0;
  Leaves(std::span<const double> in, const TapeUse* use) {
    bench::exclude_begin();
    new_graph();
    xs = Var::leaves(in);
    if (use != nullptr) gates_start = bench::gates_start();
    bench::exclude_end();
  }
  double finish(const Var& f, std::span<double> grad, TapeUse* use) const {
    f.backward();
    bench::exclude_begin();
    grads(xs, grad);
    if (use != nullptr) *use = bench::tape_use_since(gates_start);
    bench::exclude_end();
    return f.value();
  }
};

// ---- sum -------------------------------------------------------------------------------------

double sum_double(std::span<const double> x) {
  double s = 0.0;
  for (double v : x) s += v;
  return s;
}

double sum_adjoint(std::span<const double> x, std::span<double> grad) {
  const double s = sum_double(x);
  std::fill(grad.begin(), grad.end(), 1.0);  // d/dx_i = 1
  return s;
}

double sum_fused(std::span<const double> in, std::span<double> grad, TapeUse* use) {
  Leaves l(in, use);
  return l.finish(sum(l.xs), grad, use);
}

double sum_loop(std::span<const double> in, std::span<double> grad, TapeUse* use) {
  Leaves l(in, use);
  Var s;
  for (const Var& x : l.xs) s += x;
  return l.finish(s, grad, use);
}

// ---- prod ------------------------------------------------------------------------------------

double prod_double(std::span<const double> x) {
  double p = 1.0;
  for (double v : x) p *= v;
  return p;
}

// The adjoint of the loop p_i = p_{i-1} x_i: forward stores p_{i-1} (in grad), backward carries
// dp_i = prod_{k>i} x_k and sets dx_i = dp_i p_{i-1}.
double prod_adjoint(std::span<const double> x, std::span<double> grad) {
  double p = 1.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    grad[i] = p;
    p *= x[i];
  }
  double dp = 1.0;
  for (std::size_t i = x.size(); i-- > 0;) {
    grad[i] *= dp;
    dp *= x[i];
  }
  return p;
}

double prod_fused(std::span<const double> in, std::span<double> grad, TapeUse* use) {
  Leaves l(in, use);
  return l.finish(prod(l.xs), grad, use);
}

double prod_loop(std::span<const double> in, std::span<double> grad, TapeUse* use) {
  Leaves l(in, use);
  Var p = Var::constant(1.0);
  for (const Var& x : l.xs) p *= x;
  return l.finish(p, grad, use);
}

// ---- log-sum-exp -----------------------------------------------------------------------------

double max_of(std::span<const double> x) {
  double m = -std::numeric_limits<double>::infinity();
  for (double v : x) m = std::max(m, v);
  return m;
}

double lse_double(std::span<const double> x) {
  const double m = max_of(x);
  double s = 0.0;
  for (double v : x) s += std::exp(v - m);
  return m + std::log(s);
}

// d lse/dx_i = exp(x_i - lse): keep the exponentials, then scale them by 1/s.
double lse_adjoint(std::span<const double> x, std::span<double> grad) {
  const double m = max_of(x);
  double s = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    grad[i] = std::exp(x[i] - m);
    s += grad[i];
  }
  const double inv = 1.0 / s;
  for (double& g : grad) g *= inv;
  return m + std::log(s);
}

double lse_fused(std::span<const double> in, std::span<double> grad, TapeUse* use) {
  Leaves l(in, use);
  return l.finish(log_sum_exp(l.xs), grad, use);
}

// As a user writes it: shift by the maximum value (a constant, which changes no gradient).
double lse_loop(std::span<const double> in, std::span<double> grad, TapeUse* use) {
  Leaves l(in, use);
  double m = -std::numeric_limits<double>::infinity();
  for (const Var& x : l.xs) m = std::max(m, x.value());
  Var s;
  for (const Var& x : l.xs) s += exp(x - m);
  return l.finish(log(s) + m, grad, use);
}

[[maybe_unused]] const bool registered = [] {
  bench::register_workload({"sum", bench::uniform(kN, -1.0, 1.0, 1), kN, sum_double, sum_adjoint,
                            sum_fused, sum_loop});
  // Factors near 1, so that the product of 100,000 of them stays far from overflow.
  bench::register_workload({"prod", bench::uniform(kN, 0.99, 1.01, 2), kN, prod_double,
                            prod_adjoint, prod_fused, prod_loop, 1e-8});
  bench::register_workload({"log-sum-exp", bench::normal(kN, 0.0, 2.0, 3), kN, lse_double,
                            lse_adjoint, lse_fused, lse_loop, 1e-8});
  return true;
}();

}  // namespace
