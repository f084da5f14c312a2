// Array <-> Tensor copies. Rows are copied with memcpy when the element types agree, and
// converted element by element otherwise (float64 spiral points into a float32 model).

#include <gradflow/core/error.hpp>
#include <gradflow/nn/arrays.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>
#include <variant>

namespace gradflow::nn {

namespace {

/// Copies `count` elements from src to dst, converting the type if needed.
template <class To, class From>
void copy_elements(To* dst, const From* src, std::size_t count) {
  if constexpr (std::is_same_v<To, From>) {
    std::memcpy(dst, src, count * sizeof(To));
  } else {
    for (std::size_t i = 0; i < count; ++i) dst[i] = static_cast<To>(src[i]);
  }
}

std::vector<std::int64_t> row_shape_with(const data::Array& array, std::int64_t rows) {
  std::vector<std::int64_t> shape = array.shape;
  shape[0] = rows;
  return shape;
}

}  // namespace

data::DType data_dtype(DType dtype) noexcept {
  return dtype == DType::Float32 ? data::DType::Float32 : data::DType::Float64;
}

DType tensor_dtype(data::DType dtype) {
  switch (dtype) {
    case data::DType::Float32: return DType::Float32;
    case data::DType::Float64: return DType::Float64;
    case data::DType::Int64: break;
  }
  detail::fail("nn: an I64 array cannot become a tensor (tensors are Float32 or Float64)");
}

Tensor to_tensor(const data::Array& array, DType dtype) {
  array.validate();
  tensor_dtype(array.dtype());  // rejects integers
  Tensor out = Tensor::empty(array.shape, dtype);
  std::visit(
      [&](const auto& values) {
        using From = typename std::decay_t<decltype(values)>::value_type;
        if constexpr (!std::is_same_v<From, std::int64_t>) {
          if (dtype == DType::Float32) {
            copy_elements(out.data<float>(), values.data(), values.size());
          } else {
            copy_elements(out.data<double>(), values.data(), values.size());
          }
        }
      },
      array.values);
  return out;
}

Tensor to_tensor(const data::Array& array) { return to_tensor(array, tensor_dtype(array.dtype())); }

data::Array to_array(const Tensor& tensor) {
  const Tensor c = tensor.detach().contiguous();
  const auto n = static_cast<std::size_t>(c.numel());
  if (c.dtype() == DType::Float32) {
    const float* p = c.data<float>();
    return data::Array(c.shape().vec(), std::vector<float>(p, p + n));
  }
  const double* p = c.data<double>();
  return data::Array(c.shape().vec(), std::vector<double>(p, p + n));
}

Tensor rows_to_tensor(const data::Array& array, std::span<const std::int64_t> rows, DType dtype) {
  if (array.shape.empty()) detail::fail("rows_to_tensor: a 0-d array has no rows");
  tensor_dtype(array.dtype());
  const std::int64_t n = array.shape[0];
  const std::size_t row = n == 0 ? 0 : array.numel() / static_cast<std::size_t>(n);
  Tensor out = Tensor::empty(row_shape_with(array, static_cast<std::int64_t>(rows.size())), dtype);
  std::visit(
      [&](const auto& values) {
        using From = typename std::decay_t<decltype(values)>::value_type;
        if constexpr (!std::is_same_v<From, std::int64_t>) {
          auto run = [&](auto* dst) {
            for (std::size_t i = 0; i < rows.size(); ++i) {
              const std::int64_t r = rows[i];
              if (r < 0 || r >= n) {
                detail::fail("rows_to_tensor: row " + std::to_string(r) + " is outside [0, " +
                             std::to_string(n) + ")");
              }
              copy_elements(dst + i * row, values.data() + static_cast<std::size_t>(r) * row, row);
            }
          };
          if (dtype == DType::Float32) {
            run(out.data<float>());
          } else {
            run(out.data<double>());
          }
        }
      },
      array.values);
  return out;
}

}  // namespace gradflow::nn
