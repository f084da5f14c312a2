#pragma once
/// @file
/// Generator: the seedable source of random numbers behind Tensor::randn and Tensor::rand.

#include <cstdint>
#include <random>

namespace gradflow {

/// A seedable random bit generator (64-bit Mersenne Twister). Results depend only on the seed,
/// on every platform: the normal variates are made by gradflow itself (Box-Muller), not by the
/// standard library's implementation-defined distributions.
class Generator {
 public:
  using result_type = std::uint64_t;
  explicit Generator(std::uint64_t seed = 0) : engine_(seed) {}
  void seed(std::uint64_t s) { engine_.seed(s); }
  result_type operator()() { return engine_(); }
  static constexpr result_type min() { return std::mt19937_64::min(); }
  static constexpr result_type max() { return std::mt19937_64::max(); }

  /// Uniform on [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  /// Standard normal.
  double normal();

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

/// This thread's default generator (used when no generator or seed is given).
Generator& default_generator();
/// Reseeds this thread's default generator, like torch.manual_seed.
void manual_seed(std::uint64_t seed);

}  // namespace gradflow
