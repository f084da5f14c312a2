#include "train/numbers.hpp"

#include "real_number.hpp"

#include <gradflow/core/error.hpp>

#include <charconv>
#include <string>
#include <system_error>

namespace gradflow::cli {

namespace {

// `text` escaped, as a quoted name must be (print_error leaves backslashes): it may come from a
// model file's metadata (gradflow.seed).
[[noreturn]] void bad(std::string_view option, std::string_view text, const std::string& why) {
  throw gradflow::Error(std::string(option) + " " + detail::printable(text) + ": " + why);
}

// main.cpp passes an argument that starts with '-' with a leading space (Note [Arguments that
// start with '-']), so "--lr -1" arrives as " -1".
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view without_plus(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);  // from_chars takes no '+'
  return text;
}

}  // namespace

std::int64_t parse_whole(std::string_view option, std::string_view text, std::int64_t min,
                         std::int64_t max) {
  text = trim(text);
  const std::string_view t = without_plus(text);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
  if (t.empty() || ec == std::errc::invalid_argument || end != t.data() + t.size()) {
    bad(option, text, "not a whole number (expected one " + range + ")");
  }
  if (ec == std::errc::result_out_of_range || v > max) bad(option, text, "must be " + range);
  if (v < min) bad(option, text, "must be at least " + std::to_string(min));
  return v;
}

double parse_real(std::string_view option, std::string_view text, Sign sign) {
  text = trim(text);
  const RealNumber r = read_real_number(text);
  if (!r.problem.empty()) bad(option, text, r.problem);
  const double v = r.value;
  if (sign == Sign::positive && !(v > 0.0)) bad(option, text, "must be greater than 0");
  if (sign == Sign::non_negative && v < 0.0) bad(option, text, "must be 0 or greater");
  return v == 0.0 ? 0.0 : v;  // no -0
}

}  // namespace gradflow::cli
