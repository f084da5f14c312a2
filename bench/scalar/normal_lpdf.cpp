// normal-lpdf: sum_i log N(y_i | mu, sigma) over 10,000 data points, gradient with respect to mu
// and sigma. Inputs are laid out as [mu, sigma, y_0, ..., y_9999]; the data y are plain doubles
// in every variant (only mu and sigma are leaves).

#include <bench_common.hpp>

#include <cmath>

namespace {

using namespace gradflow;
using bench::TapeUse;

constexpr std::size_t kPoints = 10'000;
constexpr double kHalfLog2Pi = 0.91893853320467274178;  // log(2 pi) / 2

// log N(y | mu, sigma) = -z^2/2 - log sigma - log(2 pi)/2 with z = (y - mu)/sigma, summed; the
// constant terms are added once, as anyone writing the double loop would.
double lpdf_double(std::span<const double> in) {
  const double mu = in[0], sigma = in[1];
  const std::span<const double> y = in.subspan(2);
  const double inv = 1.0 / sigma;
  double sum_z2 = 0.0;
  for (double yi : y) {
    const double z = (yi - mu) * inv;
    sum_z2 += z * z;
  }
  const double n = static_cast<double>(y.size());
  return -0.5 * sum_z2 - n * (std::log(sigma) + kHalfLog2Pi);
}

// d/dmu = sum z_i / sigma, d/dsigma = (sum z_i^2 - n) / sigma.
double lpdf_adjoint(std::span<const double> in, std::span<double> grad) {
  const double mu = in[0], sigma = in[1];
  const std::span<const double> y = in.subspan(2);
  const double inv = 1.0 / sigma;
  double sum_z = 0.0, sum_z2 = 0.0;
  for (double yi : y) {
    const double z = (yi - mu) * inv;
    sum_z += z;
    sum_z2 += z * z;
  }
  const double n = static_cast<double>(y.size());
  grad[0] = sum_z * inv;
  grad[1] = (sum_z2 - n) * inv;
  return -0.5 * sum_z2 - n * (std::log(sigma) + kHalfLog2Pi);
}

template <class Body>
double with_gradflow(std::span<const double> in, std::span<double> grad, TapeUse* use,
                     Body body) {
  bench::exclude_begin();
  new_graph();
  Var mu = in[0], sigma = in[1];
  const std::size_t start = use != nullptr ? bench::gates_start() : 0;
  bench::exclude_end();
  Var f = body(in.subspan(2), mu, sigma);
  f.backward();
  bench::exclude_begin();
  grad[0] = mu.grad();
  grad[1] = sigma.grad();
  if (use != nullptr) *use = bench::tape_use_since(start);
  bench::exclude_end();
  return f.value();
}

double lpdf_fused(std::span<const double> in, std::span<double> grad, TapeUse* use) {
  return with_gradflow(in, grad, use, [](std::span<const double> y, const Var& mu,
                                          const Var& sigma) { return normal_lpdf(y, mu, sigma); });
}

// The same formula as lpdf_double, over Var: five gates per data point.
double lpdf_loop(std::span<const double> in, std::span<double> grad, TapeUse* use) {
  return with_gradflow(in, grad, use, [](std::span<const double> y, const Var& mu,
                                          const Var& sigma) {
    const Var inv = 1.0 / sigma;
    Var sum_z2;
    for (double yi : y) {
      const Var z = (yi - mu) * inv;
      sum_z2 += z * z;
    }
    const double n = static_cast<double>(y.size());
    return -0.5 * sum_z2 - n * (log(sigma) + kHalfLog2Pi);
  });
}

std::vector<double> inputs() {
  std::vector<double> in = {1.0, 1.8};  // mu, sigma: near, not at, the data's 1.5 and 2
  const std::vector<double> y = bench::normal(kPoints, 1.5, 2.0, 4);
  in.insert(in.end(), y.begin(), y.end());
  return in;
}

[[maybe_unused]] const bool registered = [] {
  bench::register_workload(
      {"normal-lpdf", inputs(), 2, lpdf_double, lpdf_adjoint, lpdf_fused, lpdf_loop, 1e-9});
  return true;
}();

}  // namespace
