// Normal variates by the Box-Muller transform, so that a seed gives the same tensor on every
// platform (std::normal_distribution's algorithm is implementation-defined).

#include <gradflow/tensor/random.hpp>

#include <cmath>
#include <numbers>

namespace gradflow {

double Generator::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = uniform();
  while (u1 <= 0.0) u1 = uniform();  // log(0) is -inf
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

Generator& default_generator() {
  thread_local Generator gen(0);
  return gen;
}

void manual_seed(std::uint64_t seed) { default_generator() = Generator(seed); }

}  // namespace gradflow
