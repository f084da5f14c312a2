// 2x2 max pooling, one output row at a time. Portable: a loop GCC vectorises with selects.
// With AVX-512 (checked at run time; the library is built for baseline x86-64), 16 outputs at
// a time: the even and odd columns of each input row are separated by two permutes, and the
// comparisons become masks. The portable loop's stride-2 loads cost SSE2 shuffles per element,
// and pooling was 7% of the Fashion-MNIST CNN step.

#include "max_pool_2x2.hpp"

#include "avx512.hpp"

namespace gradflow::detail {

namespace {

/// Whether candidate v takes the window's max from best: a larger number, or a NaN. Bitwise,
/// not short-circuit, so that the loop is vectorised with selects: on activations the
/// comparison is a coin toss, and its mispredicted branches were 11% of the CNN step.
template <class T>
inline bool takes_max(T v, T best) {
  return (v > best) | (v != v);
}

template <class T>
void row_portable(const T* r0, const T* r1, std::int64_t ow, std::int32_t base, std::int32_t w,
                  T* out, std::int32_t* at) {
#pragma omp simd
  for (std::int64_t xo = 0; xo < ow; ++xo) {
    const auto c = static_cast<std::int32_t>(2 * xo);
    T best = r0[c];
    std::int32_t where = base + c;
    const T v1 = r0[c + 1], v2 = r1[c], v3 = r1[c + 1];
    bool t = takes_max(v1, best);
    best = t ? v1 : best;
    where = t ? base + c + 1 : where;
    t = takes_max(v2, best);
    best = t ? v2 : best;
    where = t ? base + w + c : where;
    t = takes_max(v3, best);
    best = t ? v3 : best;
    where = t ? base + w + c + 1 : where;
    out[xo] = best;
    at[xo] = where;
  }
}

#ifdef GRADFLOW_AVX512_KERNELS
__attribute__((target("avx512f"))) void row_avx512(const float* r0, const float* r1,
                                                    std::int64_t ow, std::int32_t base,
                                                    std::int32_t w, float* out,
                                                    std::int32_t* at) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  const __m512i one = _mm512_set1_epi32(1), below = _mm512_set1_epi32(w);
  for (std::int64_t xo = 0; xo < ow; xo += 16) {
    const std::int64_t inputs = 2 * (ow - xo);  // left in the row, from column 2*xo
    const __mmask16 lo = first_lanes(inputs), hi = first_lanes(inputs - 16);
    const float* p0 = r0 + 2 * xo;
    const float* p1 = r1 + 2 * xo;
    const __m512 a0 = _mm512_maskz_loadu_ps(lo, p0), b0 = _mm512_maskz_loadu_ps(hi, p0 + 16);
    const __m512 a1 = _mm512_maskz_loadu_ps(lo, p1), b1 = _mm512_maskz_loadu_ps(hi, p1 + 16);
    const __m512 v[4] = {_mm512_permutex2var_ps(a0, even, b0), _mm512_permutex2var_ps(a0, odd, b0),
                         _mm512_permutex2var_ps(a1, even, b1), _mm512_permutex2var_ps(a1, odd, b1)};
    const __m512i first = _mm512_set1_epi32(base + static_cast<std::int32_t>(2 * xo));
    const __m512i left = _mm512_add_epi32(first, even);
    const __m512i where_of[4] = {left, _mm512_add_epi32(left, one), _mm512_add_epi32(left, below),
                                 _mm512_add_epi32(_mm512_add_epi32(left, below), one)};
    __m512 best = v[0];
    __m512i where = where_of[0];
    for (int k = 1; k < 4; ++k) {
      const __mmask16 t = _mm512_cmp_ps_mask(v[k], best, _CMP_GT_OQ) |
                          _mm512_cmp_ps_mask(v[k], v[k], _CMP_UNORD_Q);
      best = _mm512_mask_mov_ps(best, t, v[k]);
      where = _mm512_mask_mov_epi32(where, t, where_of[k]);
    }
    const __mmask16 outs = first_lanes(ow - xo);
    _mm512_mask_storeu_ps(out + xo, outs, best);
    _mm512_mask_storeu_epi32(at + xo, outs, where);
  }
}
#endif

}  // namespace

template <class T>
void max_pool_2x2_row(const T* r0, const T* r1, std::int64_t ow, std::int32_t base,
                      std::int32_t w, T* out, std::int32_t* at) {
#ifdef GRADFLOW_AVX512_KERNELS
  if constexpr (sizeof(T) == sizeof(float)) {
    if (use_avx512()) return row_avx512(r0, r1, ow, base, w, out, at);
  }
#endif
  row_portable(r0, r1, ow, base, w, out, at);
}

template void max_pool_2x2_row<float>(const float*, const float*, std::int64_t, std::int32_t,
                                      std::int32_t, float*, std::int32_t*);
template void max_pool_2x2_row<double>(const double*, const double*, std::int64_t, std::int32_t,
                                       std::int32_t, double*, std::int32_t*);

}  // namespace gradflow::detail
