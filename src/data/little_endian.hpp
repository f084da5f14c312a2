#pragma once
// Copies between typed values and little-endian bytes (the byte order of safetensors files).
// Private to src/data.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>

namespace gradflow::data::internal {

template <class T>
void to_little_endian(const T* values, std::size_t count, std::byte* out) {
  if (count == 0) return;  // an empty vector's data() may be null, which memcpy must not see
  std::memcpy(out, values, count * sizeof(T));
  if constexpr (std::endian::native == std::endian::big) {
    for (std::size_t i = 0; i < count; ++i) std::reverse(out + i * sizeof(T), out + (i + 1) * sizeof(T));
  }
}

template <class T>
void from_little_endian(const std::byte* bytes, std::size_t count, T* values) {
  if (count == 0) return;
  std::memcpy(values, bytes, count * sizeof(T));
  if constexpr (std::endian::native == std::endian::big) {
    auto* raw = reinterpret_cast<std::byte*>(values);
    for (std::size_t i = 0; i < count; ++i) std::reverse(raw + i * sizeof(T), raw + (i + 1) * sizeof(T));
  }
}

}  // namespace gradflow::data::internal
