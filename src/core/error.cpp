#include <gradflow/core/error.hpp>

#include <charconv>
#include <cstdio>

namespace gradflow::detail {

void fail(const std::string& message) { throw Error(message); }

std::string number_str(double x) {
  char text[32];  // the shortest round-trip spelling of a double takes at most 24 characters
  const auto end = std::to_chars(text, text + sizeof text, x).ptr;
  return std::string(text, end);
}

std::string printable(std::string_view text, std::size_t max_bytes) {
  const bool cut = text.size() > max_bytes;
  if (cut) text = text.substr(0, max_bytes);
  std::string shown;
  shown.reserve(text.size() + (cut ? 3 : 0));
  for (const char c : text) {
    if (is_control_byte(c)) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
      shown += escaped;
    } else {
      shown += c;
    }
  }
  if (cut) shown += "...";
  return shown;
}

}  // namespace gradflow::detail
