#pragma once
// Kernels with AVX-512, chosen at run time. gradflow is built for baseline x86-64 (SSE2), so that
// one build runs on any x86-64 machine; a few short-run kernels (runs.cpp, max_pool_2x2.cpp)
// also have an AVX-512 version, compiled with a target attribute, and take it when the CPU
// has AVX-512F. GRADFLOW_SIMD=baseline in the environment keeps to the portable versions (the
// tests run both).

#include <cstdint>

namespace gradflow::detail {

/// Whether to take the AVX-512 kernels: the CPU has AVX-512F and GRADFLOW_SIMD is not
/// "baseline" (Note [GRADFLOW_SIMD values] in avx512.cpp). Decided once per process.
bool use_avx512();

}  // namespace gradflow::detail

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define GRADFLOW_AVX512_KERNELS 1

namespace gradflow::detail {

/// The mask of the first n lanes of 16, n clamped to [0, 16].
__attribute__((target("avx512f"))) inline __mmask16 first_lanes(std::int64_t n) {
  if (n <= 0) return 0;
  if (n >= 16) return 0xFFFF;
  return static_cast<__mmask16>((1u << n) - 1u);
}

}  // namespace gradflow::detail
#endif
