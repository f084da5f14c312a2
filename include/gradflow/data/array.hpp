#pragma once
/// @file
/// Array: a plain n-d block of numbers (values + shape + dtype), the currency of the data layer.
///
/// The data layer sits below the Tensor layer and does not know about it: data sets and
/// safetensors files hand out Arrays, and a Tensor can adopt an Array's vector by moving it.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gradflow::data {

/// The element types the data layer stores. The order matches Array::Values' alternatives.
enum class DType : std::uint8_t { Float32, Float64, Int64 };

/// The safetensors spelling of a dtype: "F32", "F64", "I64".
std::string_view dtype_name(DType dtype) noexcept;
/// Bytes per element: 4 or 8.
std::size_t dtype_size(DType dtype) noexcept;

/// The C++ element types an Array can hold.
template <class T>
concept Element = std::same_as<T, float> || std::same_as<T, double> || std::same_as<T, std::int64_t>;

/// The DType of an Element type.
template <Element T>
inline constexpr DType dtype_of = std::same_as<T, float>    ? DType::Float32
                                  : std::same_as<T, double> ? DType::Float64
                                                            : DType::Int64;

/// Row-major (C order) values with a shape. A plain value type: copy it, move it, or move its
/// vector out (`std::move(array.get<float>())`). An empty shape is a scalar holding one value.
struct Array {
  using Values = std::variant<std::vector<float>, std::vector<double>, std::vector<std::int64_t>>;

  std::vector<std::int64_t> shape{0};
  Values values;

  Array() = default;
  /// Throws Error when a dimension is negative or the shape does not hold values.size() elements.
  template <Element T>
  Array(std::vector<std::int64_t> shape_, std::vector<T> values_)
      : shape(std::move(shape_)), values(std::move(values_)) {
    validate();
  }
  /// Zeros of the given shape and dtype.
  static Array zeros(std::vector<std::int64_t> shape, DType dtype);

  DType dtype() const noexcept { return static_cast<DType>(values.index()); }
  /// The number of elements: the product of the shape (1 for a scalar).
  std::size_t numel() const noexcept;

  /// The values as T; throws Error naming both dtypes when T is not the stored type.
  template <Element T>
  std::vector<T>& get() {
    check_dtype(dtype_of<T>);
    return std::get<std::vector<T>>(values);
  }
  template <Element T>
  const std::vector<T>& get() const {
    check_dtype(dtype_of<T>);
    return std::get<std::vector<T>>(values);
  }

  /// Throws Error unless every dimension is non-negative and the shape's product is the number
  /// of stored values (a hand-edited Array may break that; save and gather call this).
  void validate() const;

 private:
  void check_dtype(DType wanted) const;
};

/// "[2,100]": a shape as every error message prints it (as Shape::str() does).
std::string shape_string(const std::vector<std::int64_t>& shape);

}  // namespace gradflow::data
