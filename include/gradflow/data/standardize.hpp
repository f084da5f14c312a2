#pragma once
/// @file
/// Standardisation: subtract a mean and divide by a standard deviation computed on the training
/// split only, then apply the same numbers to every split, so the test data is never peeked at.

#include <gradflow/data/array.hpp>

#include <vector>

namespace gradflow::data {

/// What one mean/std pair covers.
enum class StatsOver {
  all,          // one mean and std over every element (what Fashion-MNIST pipelines use)
  per_feature,  // one pair per feature: over dimension 0 (samples), for each trailing position
};

/// Means and standard deviations to apply with `apply`. A single pair applies to every element;
/// otherwise there is one pair per feature (the product of the dimensions after the first).
struct Standardization {
  std::vector<double> mean;
  std::vector<double> stddev;

  /// Statistics of `train` (float32 or float64; accumulated in double, population std as numpy's
  /// default ddof=0). A feature whose std is 0 (a pixel that is always black) gets std 1, so it
  /// maps to 0 instead of NaN. Throws Error for an integer array or one with no samples.
  static Standardization fit(const Array& train, StatsOver over = StatsOver::all);
  /// The fixed Fashion-MNIST constants 0.2860 / 0.3530 of torch_reference.py.
  static Standardization fashion_mnist();

  /// x -> (x - mean) / std in place. A float32 array is computed in float32 with the statistics
  /// rounded to float, exactly as PyTorch computes `(x - 0.2860) / 0.3530` on a float32 tensor.
  /// Throws Error when the number of features does not match, or for an integer array.
  void apply(Array& array) const;
};

/// Fits on `train` and applies the result to `train` and `test`; returns the statistics, to be
/// kept with a model so that later inputs are scaled the same way.
Standardization standardize(Array& train, Array& test, StatsOver over = StatsOver::all);

}  // namespace gradflow::data
