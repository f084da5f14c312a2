#include <gradflow/data/array.hpp>

#include <gradflow/core/error.hpp>

namespace gradflow::data {

std::string_view dtype_name(DType dtype) noexcept {
  switch (dtype) {
    case DType::Float32: return "F32";
    case DType::Float64: return "F64";
    case DType::Int64: return "I64";
  }
  return "?";
}

std::size_t dtype_size(DType dtype) noexcept { return dtype == DType::Float32 ? 4 : 8; }

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Array Array::zeros(std::vector<std::int64_t> shape, DType dtype) {
  Array a;
  a.shape = std::move(shape);
  for (std::int64_t d : a.shape) {
    if (d < 0) detail::fail("Array::zeros: negative dimension in shape " + shape_string(a.shape));
  }
  const std::size_t n = a.numel();
  switch (dtype) {
    case DType::Float32: a.values = std::vector<float>(n); break;
    case DType::Float64: a.values = std::vector<double>(n); break;
    case DType::Int64: a.values = std::vector<std::int64_t>(n); break;
  }
  return a;
}

std::size_t Array::numel() const noexcept {
  std::size_t n = 1;
  for (std::int64_t d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

void Array::validate() const {
  // Multiply with an overflow check: the shape may come from a hand-built or foreign source.
  std::size_t n = 1;
  for (std::int64_t d : shape) {
    if (d < 0) detail::fail("Array: negative dimension in shape " + shape_string(shape));
    if (d != 0 && n > SIZE_MAX / static_cast<std::size_t>(d)) {
      detail::fail("Array: shape " + shape_string(shape) + " has more elements than memory holds");
    }
    n *= static_cast<std::size_t>(d);
  }
  const std::size_t held = std::visit([](const auto& v) { return v.size(); }, values);
  if (n != held) {
    detail::fail("Array: shape " + shape_string(shape) + " holds " + std::to_string(n) +
                 " elements but " + std::to_string(held) + " values were given");
  }
}

void Array::check_dtype(DType wanted) const {
  if (dtype() != wanted) {
    detail::fail("Array: asked for " + std::string(dtype_name(wanted)) + " values of a " +
                 std::string(dtype_name(dtype())) + " array of shape " + shape_string(shape));
  }
}

}  // namespace gradflow::data
