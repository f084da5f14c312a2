#include "avx512.hpp"

#include <cstdlib>
#include <string_view>

namespace gradflow::detail {

bool use_avx512() {
  static const bool yes = [] {
#ifdef GRADFLOW_AVX512_KERNELS
    const char* simd = std::getenv("GRADFLOW_SIMD");
    if (simd != nullptr && std::string_view(simd) == "baseline") return false;
    return __builtin_cpu_supports("avx512f") != 0;
#else
    return false;
#endif
  }();
  return yes;
}

}  // namespace gradflow::detail
