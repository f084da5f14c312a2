#include <gradflow/core/error.hpp>

#include <charconv>

namespace gradflow::detail {

void fail(const std::string& message) { throw Error(message); }

std::string number_str(double x) {
  char text[32];  // the shortest round-trip spelling of a double takes at most 24 characters
  const auto end = std::to_chars(text, text + sizeof text, x).ptr;
  return std::string(text, end);
}

}  // namespace gradflow::detail
