#include "avx512.hpp"

#include <gradflow/core/error.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace gradflow::detail {

namespace {

// Note [GRADFLOW_SIMD values]
// "baseline" keeps to the portable kernels; "avx512" (or the variable unset or empty) takes the
// AVX-512 ones where the CPU has them. Any other value is ignored with one line on stderr, as
// PyTorch does for ATEN_CPU_CAPABILITY: an exception would stop a program over a setting that
// changes no result, and silence would leave a misspelt "basline" timing the AVX-512 kernels.
bool baseline_requested() {
  const char* simd = std::getenv("GRADFLOW_SIMD");
  if (simd == nullptr) return false;
  const std::string_view value(simd);
  if (value == "baseline") return true;
  if (value.empty() || value == "avx512") return false;
  const std::string warning = "gradflow: ignoring GRADFLOW_SIMD=" + printable(value) +
                              "; its values are baseline and avx512\n";
  std::fputs(warning.c_str(), stderr);
  return false;
}

}  // namespace

bool use_avx512() {
  static const bool yes = [] {
    const bool baseline = baseline_requested();  // warns about a bad value on any CPU
#ifdef GRADFLOW_AVX512_KERNELS
    return !baseline && __builtin_cpu_supports("avx512f") != 0;
#else
    (void)baseline;
    return false;
#endif
  }();
  return yes;
}

}  // namespace gradflow::detail
