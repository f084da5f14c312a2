#pragma once
/// @file
/// Element types of tensors.

#include <cstddef>
#include <iosfwd>
#include <string_view>

namespace gradflow {

/// The element type of a Tensor: float32 (the default, as in PyTorch) or float64 (for
/// gradient checks and wherever precision matters more than speed).
enum class DType : unsigned char { Float32, Float64 };

/// "Float32" or "Float64", as error messages spell them.
constexpr std::string_view dtype_name(DType d) noexcept {
  return d == DType::Float32 ? "Float32" : "Float64";
}

/// Prints dtype_name(d).
std::ostream& operator<<(std::ostream& os, DType d);

/// Bytes per element.
constexpr std::size_t dtype_size(DType d) noexcept { return d == DType::Float32 ? 4 : 8; }

/// The DType of a C++ element type (float or double).
template <class T>
constexpr DType dtype_of() noexcept;
template <>
constexpr DType dtype_of<float>() noexcept { return DType::Float32; }
template <>
constexpr DType dtype_of<double>() noexcept { return DType::Float64; }

}  // namespace gradflow
