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
__attribute__((target("avx512f"))) void copy_runs_avx512(const float* in, std::int64_t ld,
                                                          std::int64_t rows, std::int64_t width,
                                                          float* out) {
  const std::int64_t whole = width - width % 16;
  const __mmask16 tail = first_lanes(width % 16);
  for (std::int64_t y = 0; y < rows; ++y) {
    const float* src = in + y * ld;
    float* dst = out + y * width;
    for (std::int64_t x = 0; x < whole; x += 16) {
      _mm512_storeu_ps(dst + x, _mm512_loadu_ps(src + x));
    }
    if (tail != 0) {
      _mm512_mask_storeu_ps(dst + whole, tail, _mm512_maskz_loadu_ps(tail, src + whole));
    }
  }
}

__attribute__((target("avx512f"))) void add_runs_avx512(const float* in, std::int64_t rows,
                                                         std::int64_t width, float* out,
                                                         std::int64_t ld) {
  const std::int64_t whole = width - width % 16;
  const __mmask16 tail = first_lanes(width % 16);
  for (std::int64_t y = 0; y < rows; ++y) {
    const float* src = in + y * width;
    float* dst = out + y * ld;
    for (std::int64_t x = 0; x < whole; x += 16) {
      _mm512_storeu_ps(dst + x, _mm512_add_ps(_mm512_loadu_ps(dst + x), _mm512_loadu_ps(src + x)));
    }
    if (tail != 0) {
      const __m512 sum = _mm512_add_ps(_mm512_maskz_loadu_ps(tail, dst + whole),
                                       _mm512_maskz_loadu_ps(tail, src + whole));
      _mm512_mask_storeu_ps(dst + whole, tail, sum);
    }
  }
}

__attribute__((target("avx512f"))) void copy_runs_avx512(const double* in, std::int64_t ld,
                                                          std::int64_t rows, std::int64_t width,
                                                          double* out) {
  const std::int64_t whole = width - width % 8;
  const auto tail = static_cast<__mmask8>(first_lanes(width % 8));
  for (std::int64_t y = 0; y < rows; ++y) {
    const double* src = in + y * ld;
    double* dst = out + y * width;
    for (std::int64_t x = 0; x < whole; x += 8) {
      _mm512_storeu_pd(dst + x, _mm512_loadu_pd(src + x));
    }
    if (tail != 0) {
      _mm512_mask_storeu_pd(dst + whole, tail, _mm512_maskz_loadu_pd(tail, src + whole));
    }
  }
}

__attribute__((target("avx512f"))) void add_runs_avx512(const double* in, std::int64_t rows,
                                                         std::int64_t width, double* out,
                                                         std::int64_t ld) {
  const std::int64_t whole = width - width % 8;
  const auto tail = static_cast<__mmask8>(first_lanes(width % 8));
  for (std::int64_t y = 0; y < rows; ++y) {
    const double* src = in + y * width;
    double* dst = out + y * ld;
    for (std::int64_t x = 0; x < whole; x += 8) {
      _mm512_storeu_pd(dst + x, _mm512_add_pd(_mm512_loadu_pd(dst + x), _mm512_loadu_pd(src + x)));
    }
    if (tail != 0) {
      const __m512d sum = _mm512_add_pd(_mm512_maskz_loadu_pd(tail, dst + whole),
                                        _mm512_maskz_loadu_pd(tail, src + whole));
      _mm512_mask_storeu_pd(dst + whole, tail, sum);
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
