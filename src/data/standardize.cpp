#include <gradflow/data/standardize.hpp>

#include <gradflow/core/error.hpp>
#include <gradflow/data/fashion_mnist.hpp>

#include <cmath>
#include <string>

namespace gradflow::data {

namespace {

// Elements per sample: every dimension after the first.
std::size_t features_of(const Array& a) {
  if (a.shape.empty()) return 1;
  std::size_t f = 1;
  for (std::size_t i = 1; i < a.shape.size(); ++i) f *= static_cast<std::size_t>(a.shape[i]);
  return f;
}

template <class T>
Standardization fit_values(const std::vector<T>& v, std::size_t features) {
  const std::size_t samples = v.size() / features;
  Standardization s;
  s.mean.assign(features, 0.0);
  s.stddev.assign(features, 0.0);
  // Two passes (mean, then squared deviations) rather than sum of squares minus squared sum,
  // which cancels catastrophically when the mean is large next to the spread. Row by row, so
  // that no element needs a division to find its feature.
  for (std::size_t row = 0; row < v.size(); row += features) {
    for (std::size_t f = 0; f < features; ++f) s.mean[f] += static_cast<double>(v[row + f]);
  }
  for (double& m : s.mean) m /= static_cast<double>(samples);
  for (std::size_t row = 0; row < v.size(); row += features) {
    for (std::size_t f = 0; f < features; ++f) {
      const double d = static_cast<double>(v[row + f]) - s.mean[f];
      s.stddev[f] += d * d;
    }
  }
  for (double& sd : s.stddev) {
    sd = std::sqrt(sd / static_cast<double>(samples));
    if (sd == 0.0) sd = 1.0;  // a constant feature: map it to 0 rather than divide by zero
  }
  return s;
}

}  // namespace

Standardization Standardization::fit(const Array& train, StatsOver over) {
  train.validate();
  if (train.dtype() == DType::Int64) {
    detail::fail("Standardization::fit: needs float32 or float64 values, got an I64 array");
  }
  if (train.numel() == 0) {
    detail::fail("Standardization::fit: no samples in an array of shape " +
                 shape_string(train.shape));
  }
  // With StatsOver::all the whole array is one feature observed numel() times.
  const std::size_t features = over == StatsOver::all ? 1 : features_of(train);
  if (train.dtype() == DType::Float32) return fit_values(std::get<std::vector<float>>(train.values), features);
  return fit_values(std::get<std::vector<double>>(train.values), features);
}

Standardization Standardization::fashion_mnist() {
  return Standardization{{fashion_mnist_mean}, {fashion_mnist_std}};
}

void Standardization::apply(Array& array) const {
  array.validate();
  if (array.dtype() == DType::Int64) {
    detail::fail("Standardization::apply: needs float32 or float64 values, got an I64 array");
  }
  if (mean.empty() || mean.size() != stddev.size()) {
    detail::fail("Standardization::apply: " + std::to_string(mean.size()) + " means and " +
                 std::to_string(stddev.size()) + " standard deviations; fit() it first");
  }
  const std::size_t features = mean.size();
  if (features != 1 && features != features_of(array)) {
    detail::fail("Standardization::apply: fitted on " + std::to_string(features) +
                 " features, but an array of shape " + shape_string(array.shape) + " has " +
                 std::to_string(features_of(array)) + " per sample");
  }
  std::visit(
      [&](auto& v) {
        using T = typename std::remove_cvref_t<decltype(v)>::value_type;
        if constexpr (!std::is_same_v<T, std::int64_t>) {
          // Rounding the statistics to T first and computing in T is what PyTorch does with a
          // Python scalar and a float32 tensor; the results then match torch_reference exactly.
          std::vector<T> m(features), sd(features);
          for (std::size_t f = 0; f < features; ++f) {
            m[f] = static_cast<T>(mean[f]);
            sd[f] = static_cast<T>(stddev[f]);
          }
          for (std::size_t row = 0; row < v.size(); row += features) {
            for (std::size_t f = 0; f < features; ++f) v[row + f] = (v[row + f] - m[f]) / sd[f];
          }
        }
      },
      array.values);
}

Standardization standardize(Array& train, Array& test, StatsOver over) {
  Standardization s = Standardization::fit(train, over);
  s.apply(train);
  s.apply(test);
  return s;
}

}  // namespace gradflow::data
