#include "real_number.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>

namespace gradflow::cli {

RealNumber read_real_number(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);  // from_chars takes no '+'
  RealNumber r;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), r.value);
  if (text.empty() || ec == std::errc::invalid_argument || end != text.data() + text.size()) {
    r.problem = "not a number";
  } else if (ec == std::errc::result_out_of_range) {
    // from_chars says out of range for both ends and leaves the value alone; strtod tells them
    // apart (it returns about 0 for a number too small, HUGE_VAL for one too large).
    const std::string copy(text);
    const double nearest = std::strtod(copy.c_str(), nullptr);
    r.problem = std::fabs(nearest) < 1.0
                    ? "too close to 0 for a double: it would round to 0 (write 0 for 0)"
                    : "beyond the range of a double";
  } else if (!std::isfinite(r.value)) {
    r.problem = "not a finite number";
  }
  return r;
}

}  // namespace gradflow::cli
