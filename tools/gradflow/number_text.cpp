#include "number_text.hpp"

#include <cmath>
#include <cstdio>

namespace gradflow::cli {

std::string number_text(double v, const char* format) {
  if (std::isnan(v)) v = std::fabs(v);  // clears the sign bit: printf then writes "nan"
  char buf[64];
  // The format is one of this program's literals, never the user's.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  std::snprintf(buf, sizeof buf, format, v);
#pragma GCC diagnostic pop
  return buf;
}

}  // namespace gradflow::cli
