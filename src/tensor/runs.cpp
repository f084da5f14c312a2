// Note [Runs of a column row]
// At stride 1 a row of im2col's columns is `rows` runs of `width` elements, run y read from
// (or, in col2im, added back to) a row of the padded plane. The runs are short (14 elements on
// the Fashion-MNIST CNN's second conv), and a vectorised loop per run spent more time in its
// prologue and epilogue than in its body: im2col and col2im were a quarter of the CNN step.
// - With AVX-512 (checked at run time: the library is built for baseline x86-64) a run of up to
//   16 floats is one masked load and one masked store, exact to the element.
// - Otherwise runs of at least one piece move in 16-byte pieces, the copy's last piece
//   spilling fewer elements than a run holds over into the next run of the same output row,
//   which is written after it and overwrites the spill. The last run stops exactly at its end,
//   so no write leaves the output (another thread may be writing the next image's columns).
//   The spilled reads stay inside the padded plane: fewer than a run's width past the run,
//   they end in the row below, at most. Runs shorter than a piece are copied exactly.
//   The adds cannot spill, and do their last elements one at a time.

#include "runs.hpp"

#include "avx512.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>


namespace gradflow::detail {

namespace {

/// Elements of T in one 16-byte piece (an SSE register).
template <class T>
constexpr std::int64_t kPiece = static_cast<std::int64_t>(16 / sizeof(T));

template <class T>
void copy_runs_sse(const T* in, std::int64_t ld, std::int64_t rows, std::int64_t width, T* out) {
  constexpr std::int64_t v = kPiece<T>;
  if (width < v) {  // a spill could then pass the next run too, and the row's end
    for (std::int64_t y = 0; y < rows; ++y) std::copy_n(in + y * ld, width, out + y * width);
    return;
  }
  for (std::int64_t y = 0; y + 1 < rows; ++y) {
    const T* src = in + y * ld;
    T* dst = out + y * width;
    for (std::int64_t x = 0; x < width; x += v) std::memcpy(dst + x, src + x, 16);
  }
  if (rows > 0) std::copy_n(in + (rows - 1) * ld, width, out + (rows - 1) * width);
}

template <class T>
void add_runs_sse(const T* in, std::int64_t rows, std::int64_t width, T* out, std::int64_t ld) {
  constexpr std::int64_t v = kPiece<T>;
  const std::int64_t whole = width - width % v;
  for (std::int64_t y = 0; y < rows; ++y) {
    const T* src = in + y * width;
    T* dst = out + y * ld;
    for (std::int64_t x = 0; x < whole; x += v) {
      for (std::int64_t k = 0; k < v; ++k) dst[x + k] += src[x + k];
    }
    for (std::int64_t x = whole; x < width; ++x) dst[x] += src[x];
  }
}

#ifdef GRADFLOW_AVX512_KERNELS
/// The copy moves bits, so both element types go through it as 32-bit words.
__attribute__((target("avx512f"))) void copy_words_avx512(const std::uint32_t* in, std::int64_t ld,
                                                           std::int64_t rows, std::int64_t width,
                                                           std::uint32_t* out) {
  const std::int64_t whole = width - width % 16;
  const __mmask16 tail = first_lanes(width % 16);
  for (std::int64_t y = 0; y < rows; ++y) {
    const std::uint32_t* src = in + y * ld;
    std::uint32_t* dst = out + y * width;
    for (std::int64_t x = 0; x < whole; x += 16) {
      _mm512_storeu_si512(dst + x, _mm512_loadu_si512(src + x));
    }
    if (tail != 0) {
      _mm512_mask_storeu_epi32(dst + whole, tail, _mm512_maskz_loadu_epi32(tail, src + whole));
    }
  }
}

template <class T>
void copy_runs_avx512(const T* in, std::int64_t ld, std::int64_t rows, std::int64_t width, T* out) {
  constexpr std::int64_t words = sizeof(T) / sizeof(std::uint32_t);
  copy_words_avx512(reinterpret_cast<const std::uint32_t*>(in), ld * words, rows, width * words,
                    reinterpret_cast<std::uint32_t*>(out));
}

/// The AVX-512 operations add_runs needs, per element type.
template <class T>
struct Lanes;
template <>
struct Lanes<float> {
  static constexpr std::int64_t count = 16;
  using Vec = __m512;
  __attribute__((target("avx512f"))) static Vec load(const float* p, __mmask16 m) {
    return _mm512_maskz_loadu_ps(m, p);
  }
  __attribute__((target("avx512f"))) static void store(float* p, __mmask16 m, Vec v) {
    _mm512_mask_storeu_ps(p, m, v);
  }
  __attribute__((target("avx512f"))) static Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
};
template <>
struct Lanes<double> {
  static constexpr std::int64_t count = 8;
  using Vec = __m512d;
  __attribute__((target("avx512f"))) static Vec load(const double* p, __mmask16 m) {
    return _mm512_maskz_loadu_pd(static_cast<__mmask8>(m), p);
  }
  __attribute__((target("avx512f"))) static void store(double* p, __mmask16 m, Vec v) {
    _mm512_mask_storeu_pd(p, static_cast<__mmask8>(m), v);
  }
  __attribute__((target("avx512f"))) static Vec add(Vec a, Vec b) { return _mm512_add_pd(a, b); }
};

template <class T>
__attribute__((target("avx512f"))) void add_runs_avx512(const T* in, std::int64_t rows,
                                                         std::int64_t width, T* out,
                                                         std::int64_t ld) {
  using L = Lanes<T>;
  const __mmask16 all = first_lanes(L::count);
  const std::int64_t whole = width - width % L::count;
  const __mmask16 tail = first_lanes(width % L::count);
  for (std::int64_t y = 0; y < rows; ++y) {
    const T* src = in + y * width;
    T* dst = out + y * ld;
    for (std::int64_t x = 0; x < whole; x += L::count) {
      L::store(dst + x, all, L::add(L::load(dst + x, all), L::load(src + x, all)));
    }
    if (tail != 0) {
      L::store(dst + whole, tail, L::add(L::load(dst + whole, tail), L::load(src + whole, tail)));
    }
  }
}
#endif

}  // namespace

template <class T>
void copy_runs(const T* in, std::int64_t ld, std::int64_t rows, std::int64_t width, T* out) {
#ifdef GRADFLOW_AVX512_KERNELS
  if (use_avx512()) return copy_runs_avx512(in, ld, rows, width, out);
#endif
  copy_runs_sse(in, ld, rows, width, out);
}

template <class T>
void add_runs(const T* in, std::int64_t rows, std::int64_t width, T* out, std::int64_t ld) {
#ifdef GRADFLOW_AVX512_KERNELS
  if (use_avx512()) return add_runs_avx512(in, rows, width, out, ld);
#endif
  add_runs_sse(in, rows, width, out, ld);
}

template void copy_runs<float>(const float*, std::int64_t, std::int64_t, std::int64_t, float*);
template void copy_runs<double>(const double*, std::int64_t, std::int64_t, std::int64_t, double*);
template void add_runs<float>(const float*, std::int64_t, std::int64_t, float*, std::int64_t);
template void add_runs<double>(const double*, std::int64_t, std::int64_t, double*, std::int64_t);

}  // namespace gradflow::detail
