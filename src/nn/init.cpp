// Initialisers: draw the values on the host from the generator, then copy them in under
// NoGradGuard (an initialisation is not part of any graph).

#include <gradflow/core/error.hpp>
#include <gradflow/core/tape.hpp>
#include <gradflow/nn/init.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace gradflow::nn::init {

namespace {

void assign(Tensor& t, std::vector<double> values) {
  const NoGradGuard no_grad;
  t.copy_(tensor(std::move(values), t.shape().vec(), t.dtype()));
}

std::int64_t fan(const Tensor& t, FanMode mode) {
  const Fans f = fans(t);
  return mode == FanMode::fan_in ? f.in : f.out;
}

}  // namespace

Fans fans(const Tensor& weight) {
  if (weight.dim() < 2) {
    detail::fail("init: fan-in and fan-out need a weight of 2 or more dimensions, got shape " +
                 weight.shape().str());
  }
  std::int64_t receptive = 1;
  for (std::int64_t i = 2; i < weight.dim(); ++i) receptive *= weight.size(i);
  return {weight.size(1) * receptive, weight.size(0) * receptive};
}

double gain(Nonlinearity nonlinearity, double param) {
  switch (nonlinearity) {
    case Nonlinearity::linear:
    case Nonlinearity::sigmoid: return 1.0;
    case Nonlinearity::tanh: return 5.0 / 3.0;
    case Nonlinearity::relu: return std::sqrt(2.0);
    case Nonlinearity::leaky_relu: return std::sqrt(2.0 / (1.0 + param * param));
  }
  return 1.0;
}

void uniform_(Tensor& t, double lo, double hi, Generator& gen) {
  std::vector<double> v(static_cast<std::size_t>(t.numel()));
  for (double& x : v) x = lo + (hi - lo) * gen.uniform();
  assign(t, std::move(v));
}

void normal_(Tensor& t, double mean, double stddev, Generator& gen) {
  std::vector<double> v(static_cast<std::size_t>(t.numel()));
  for (double& x : v) x = mean + stddev * gen.normal();
  assign(t, std::move(v));
}

void zeros_(Tensor& t) {
  const NoGradGuard no_grad;
  t.zero_();
}

void kaiming_uniform_(Tensor& t, Generator& gen, double a, FanMode mode,
                      Nonlinearity nonlinearity) {
  const double stddev = gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan(t, mode)));
  const double bound = std::sqrt(3.0) * stddev;  // U(-b, b) has std b / sqrt(3)
  uniform_(t, -bound, bound, gen);
}

void kaiming_normal_(Tensor& t, Generator& gen, double a, FanMode mode, Nonlinearity nonlinearity) {
  normal_(t, 0.0, gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan(t, mode))), gen);
}

void xavier_uniform_(Tensor& t, Generator& gen, double g) {
  const Fans f = fans(t);
  const double bound = g * std::sqrt(6.0 / static_cast<double>(f.in + f.out));
  uniform_(t, -bound, bound, gen);
}

void xavier_normal_(Tensor& t, Generator& gen, double g) {
  const Fans f = fans(t);
  normal_(t, 0.0, g * std::sqrt(2.0 / static_cast<double>(f.in + f.out)), gen);
}

}  // namespace gradflow::nn::init
