#include <gradflow/data/numpy_random.hpp>

#include <cmath>
#include <numeric>
#include <utility>

namespace gradflow::data {

double NumpyRandom::uniform() {
  // 27 high bits of one draw and 26 of the next make a 53-bit mantissa; 67108864 = 2^26 and
  // 9007199254740992 = 2^53. The first draw is the high part: the evaluation order matters.
  const std::uint32_t a = static_cast<std::uint32_t>(engine_()) >> 5;
  const std::uint32_t b = static_cast<std::uint32_t>(engine_()) >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

double NumpyRandom::randn() {
  if (has_gauss_) {
    has_gauss_ = false;
    return std::exchange(gauss_, 0.0);
  }
  // Marsaglia's polar method: a point uniform in the unit disc (excluding the centre) gives two
  // independent normals. numpy returns the x2 one first and caches the x1 one.
  double x1 = 0.0;
  double x2 = 0.0;
  double r2 = 0.0;
  do {
    x1 = 2.0 * uniform() - 1.0;
    x2 = 2.0 * uniform() - 1.0;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1.0 || r2 == 0.0);
  const double f = std::sqrt(-2.0 * std::log(r2) / r2);
  gauss_ = f * x1;
  has_gauss_ = true;
  return f * x2;
}

std::vector<double> NumpyRandom::randn(std::size_t n) {
  std::vector<double> out(n);
  for (double& v : out) v = randn();
  return out;
}

std::uint64_t NumpyRandom::interval(std::uint64_t max) {
  if (max == 0) return 0;  // numpy draws nothing in this case, and neither may we
  // The smallest all-ones mask covering max; a masked draw above max is rejected, so every value
  // in [0, max] is equally likely. numpy uses one 32-bit draw while max fits in 32 bits.
  std::uint64_t mask = max;
  for (int shift = 1; shift <= 32; shift *= 2) mask |= mask >> shift;
  std::uint64_t value = 0;
  if (max <= 0xffffffffu) {
    do value = engine_() & mask; while (value > max);
  } else {
    do {
      const std::uint64_t high = engine_();
      value = ((high << 32) | engine_()) & mask;
    } while (value > max);
  }
  return value;
}

std::vector<std::int64_t> NumpyRandom::permutation(std::size_t n) {
  std::vector<std::int64_t> out(n);
  std::iota(out.begin(), out.end(), std::int64_t{0});
  // numpy's legacy shuffle: from the back, swap each position with one at or before it.
  for (std::size_t i = n; i-- > 1;) {
    const auto j = static_cast<std::size_t>(interval(i));
    std::swap(out[i], out[j]);
  }
  return out;
}

}  // namespace gradflow::data
