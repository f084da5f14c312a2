#pragma once
/// @file
/// NumpyRandom: numpy's legacy `np.random.RandomState(seed)`, draw for draw, so data made here
/// is bit-identical to the Python references (../shared/peers/torch_reference.py).

#include <cstdint>
#include <random>
#include <vector>

namespace gradflow::data {

/// A Mersenne Twister stream that reproduces numpy's RandomState. RandomState(int) seeds MT19937
/// with the reference init_genrand(seed), which is what std::mt19937(seed) does.
class NumpyRandom {
 public:
  explicit NumpyRandom(std::uint32_t seed) : engine_(seed) {}

  /// `random_sample()`: a double in [0, 1) with 53 random bits from two 32-bit draws.
  double uniform();
  /// `randn()`: a standard normal by the Marsaglia polar method. Each accepted pair yields two
  /// values; the second is kept for the next call, as numpy does, so calls interleave exactly.
  double randn();
  /// `randn(n)`, n values in order.
  std::vector<double> randn(std::size_t n);
  /// An integer uniform in [0, max]: numpy's masked rejection sampling (`random_interval`).
  std::uint64_t interval(std::uint64_t max);
  /// `permutation(n)`: a Fisher-Yates shuffle of 0..n-1 drawn as numpy's legacy shuffle draws it.
  std::vector<std::int64_t> permutation(std::size_t n);

 private:
  std::mt19937 engine_;
  bool has_gauss_ = false;
  double gauss_ = 0.0;
};

}  // namespace gradflow::data
