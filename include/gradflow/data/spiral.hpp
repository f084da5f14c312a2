#pragma once
/// @file
/// The spiral data set of the cs231n "minimal neural network case study": K arms of N points in
/// the plane, which no linear classifier separates.

#include <gradflow/data/dataset.hpp>

#include <cstdint>

namespace gradflow::data {

/// Sizes and seed of spiral(); the defaults are the case study's.
struct SpiralOptions {
  std::uint32_t seed = 0;
  std::int64_t points_per_class = 100;  // N
  std::int64_t classes = 3;             // K
  std::int64_t hidden = 100;            // width of the 2-hidden-K network whose init is drawn
};

/// The case study's two-layer network, initialised as it does: small Gaussian weights, zero biases.
struct SpiralInit {
  Array w1;  // float64 [2, hidden], 0.01 * randn
  Array b1;  // float64 [1, hidden], zeros
  Array w2;  // float64 [hidden, K], 0.01 * randn
  Array b2;  // float64 [1, K], zeros
};

/// The data set and the initial parameters, drawn from one stream.
struct Spiral {
  Dataset data;  // inputs float64 [N*K, 2] (D = 2), labels 0..K-1 in blocks of N
  SpiralInit init;
};

/// The data set of `spiral(seed)` in ../shared/peers/torch_reference.py, drawn from the same
/// numpy RandomState(seed) stream in the same order: point i of class j has radius
/// r = linspace(0, 1, N)[i] and angle t = linspace(4j, 4(j+1), N)[i] + 0.2 * randn(), and sits at
/// (r sin t, r cos t); then W1 and W2 are drawn. Labels, angles and weights are bit-identical to
/// numpy's; the points are too wherever numpy's sin/cos are the C library's. (numpy 1.22-1.26 on
/// AVX-512 CPUs uses Intel's SVML for float64 sin/cos, which is up to 3 ulp off the correctly
/// rounded value, so there the points differ from numpy's in the last bits, tested to <= 4 ulp.)
/// Throws Error for N, K or hidden below 1, or N*K above 2^24.
Spiral spiral(const SpiralOptions& options = {});

}  // namespace gradflow::data
