#include <gradflow/data/spiral.hpp>

#include <gradflow/core/error.hpp>
#include <gradflow/data/numpy_random.hpp>

#include <cmath>
#include <limits>
#include <string>

namespace gradflow::data {

namespace {

// np.linspace(start, stop, n) with numpy's arithmetic: i * ((stop - start) / (n - 1)) + start,
// and the last value set to stop exactly. (Not start + i * delta / (n - 1): that rounds
// differently, and the spiral must be bit-identical.)
std::vector<double> linspace(double start, double stop, std::int64_t n) {
  std::vector<double> y(static_cast<std::size_t>(n));
  if (n == 1) {
    y[0] = start;
    return y;
  }
  const double step = (stop - start) / static_cast<double>(n - 1);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<double>(i) * step + start;
  y.back() = stop;
  return y;
}

Array small_randn(NumpyRandom& random, std::int64_t rows, std::int64_t cols) {
  std::vector<double> w = random.randn(static_cast<std::size_t>(rows * cols));
  for (double& v : w) v = 0.01 * v;
  return Array({rows, cols}, std::move(w));
}

}  // namespace

Spiral spiral(const SpiralOptions& options) {
  const std::int64_t n = options.points_per_class;
  const std::int64_t k = options.classes;
  const std::int64_t h = options.hidden;
  // Bounds that keep every size product far from overflow while allowing any sensible data set.
  constexpr std::int64_t limit = std::int64_t{1} << 24;
  if (n < 1 || k < 1 || h < 1 || n > limit || k > limit || h > limit || n * k > limit) {
    detail::fail("spiral: points per class (" + std::to_string(n) + "), classes (" +
                 std::to_string(k) + ") and hidden width (" + std::to_string(h) +
                 ") must be at least 1, and points per class x classes at most 2^24");
  }
  NumpyRandom random(options.seed);
  Spiral out;
  std::vector<double> x(static_cast<std::size_t>(n * k * 2));
  out.data.labels.resize(static_cast<std::size_t>(n * k));
  const std::vector<double> r = linspace(0.0, 1.0, n);
  for (std::int64_t j = 0; j < k; ++j) {
    std::vector<double> t = linspace(static_cast<double>(j * 4), static_cast<double>((j + 1) * 4), n);
    const std::vector<double> noise = random.randn(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < t.size(); ++i) {
      t[i] += noise[i] * 0.2;
      const std::size_t row = static_cast<std::size_t>(j * n) + i;
      x[2 * row] = r[i] * std::sin(t[i]);
      x[2 * row + 1] = r[i] * std::cos(t[i]);
      out.data.labels[row] = j;
    }
  }
  out.data.inputs = Array({n * k, 2}, std::move(x));
  out.data.num_classes = k;
  // Same order as the reference: W1, then W2; the biases draw nothing.
  out.init.w1 = small_randn(random, 2, h);
  out.init.b1 = Array::zeros({1, h}, DType::Float64);
  out.init.w2 = small_randn(random, h, k);
  out.init.b2 = Array::zeros({1, k}, DType::Float64);
  return out;
}

}  // namespace gradflow::data
