// tanh-layer: f = sum_j v_j tanh(sum_k W_jk x_k) with W 100x100, the output of a one-hidden-layer
// tanh network at one data point x. As in training, x is data (plain doubles) and the gradient is
// taken with respect to the parameters W and v (10,100 numbers). Inputs are laid out as
// [W row-major, v, x]; the gradient as [dW row-major, dv].

#include <bench_common.hpp>

#include <array>
#include <cmath>

namespace {

using namespace gradflow;
using bench::TapeUse;

constexpr std::size_t kRows = 100, kCols = 100;
constexpr std::size_t kW = kRows * kCols;

struct Parts {
  std::span<const double> w, v, x;
  explicit Parts(std::span<const double> in)
      : w(in.first(kW)), v(in.subspan(kW, kRows)), x(in.subspan(kW + kRows, kCols)) {}
};

double layer_double(std::span<const double> in) {
  const Parts p(in);
  double f = 0.0;
  for (std::size_t j = 0; j < kRows; ++j) {
    double s = 0.0;
    for (std::size_t k = 0; k < kCols; ++k) s += p.w[j * kCols + k] * p.x[k];
    f += p.v[j] * std::tanh(s);
  }
  return f;
}

// df/dv_j = h_j, df/ds_j = v_j (1 - h_j^2), df/dW_jk = df/ds_j x_k.
double layer_adjoint(std::span<const double> in, std::span<double> grad) {
  const Parts p(in);
  double f = 0.0;
  for (std::size_t j = 0; j < kRows; ++j) {
    double s = 0.0;
    for (std::size_t k = 0; k < kCols; ++k) s += p.w[j * kCols + k] * p.x[k];
    const double h = std::tanh(s);
    f += p.v[j] * h;
    grad[kW + j] = h;
    const double ds = p.v[j] * (1.0 - h * h);
    for (std::size_t k = 0; k < kCols; ++k) grad[j * kCols + k] = ds * p.x[k];
  }
  return f;
}

template <class Body>
double with_gradflow(std::span<const double> in, std::span<double> grad, TapeUse* use,
                     Body body) {
  const Parts p(in);
  bench::exclude_begin();
  new_graph();
  const std::vector<Var> w = Var::leaves(p.w);
  const std::vector<Var> v = Var::leaves(p.v);
  const std::size_t start = use != nullptr ? bench::gates_start() : 0;
  bench::exclude_end();
  Var f = body(w, v, p.x);
  f.backward();
  bench::exclude_begin();
  grads(w, grad.first(kW));
  grads(v, grad.subspan(kW));
  if (use != nullptr) *use = bench::tape_use_since(start);
  bench::exclude_end();
  return f.value();
}

// Fused: one dot() per row (x is constant weights to it), one sum() over the rows.
double layer_fused(std::span<const double> in, std::span<double> grad, TapeUse* use) {
  return with_gradflow(in, grad, use, [](std::span<const Var> w, std::span<const Var> v,
                                         std::span<const double> x) {
    std::array<Var, kRows> terms;
    for (std::size_t j = 0; j < kRows; ++j) {
      terms[j] = v[j] * tanh(dot(w.subspan(j * kCols, kCols), x));
    }
    return sum(terms);
  });
}

// The double code, over Var: two gates per weight (scale by x_k, add).
double layer_loop(std::span<const double> in, std::span<double> grad, TapeUse* use) {
  return with_gradflow(in, grad, use, [](std::span<const Var> w, std::span<const Var> v,
                                         std::span<const double> x) {
    Var f;
    for (std::size_t j = 0; j < kRows; ++j) {
      Var s;
      for (std::size_t k = 0; k < kCols; ++k) s += w[j * kCols + k] * x[k];
      f += v[j] * tanh(s);
    }
    return f;
  });
}

std::vector<double> inputs() {
  // Weights of the usual 1/sqrt(fan-in) scale keep the pre-activations in tanh's working range.
  std::vector<double> in = bench::uniform(kW, -0.1, 0.1, 5);
  const std::vector<double> v = bench::uniform(kRows, -1.0, 1.0, 6);
  const std::vector<double> x = bench::uniform(kCols, -1.0, 1.0, 7);
  in.insert(in.end(), v.begin(), v.end());
  in.insert(in.end(), x.begin(), x.end());
  return in;
}

[[maybe_unused]] const bool registered = [] {
  bench::register_workload({"tanh-layer", inputs(), kW + kRows, layer_double, layer_adjoint,
                            layer_fused, layer_loop, 1e-9});
  return true;
}();

}  // namespace
