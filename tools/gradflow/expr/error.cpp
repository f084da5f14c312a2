#include "expr/error.hpp"

#include <algorithm>
#include <cstdio>

namespace gradflow::expr {

ExprError::ExprError(std::string reason, std::size_t column)
    : gradflow::Error("column " + std::to_string(column) + ": " + reason),
      reason_(std::move(reason)),
      column_(column) {}

std::string quote_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte < 0x80 && !detail::is_control_byte(c)) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02X", byte);
  return buf;
}

std::string ExprError::show(std::string_view expression) const {
  // A 200,000-character expression must not flood the terminal: show a window around the
  // column, marked with "..." where it was cut.
  constexpr std::size_t kBefore = 50;
  constexpr std::size_t kAfter = 25;
  const std::size_t at = std::min(column_ == 0 ? 0 : column_ - 1, expression.size());
  const std::size_t first = at > kBefore ? at - kBefore : 0;
  const std::size_t last = std::min(expression.size(), at + kAfter);

  std::string line = first > 0 ? "..." : "";
  const std::size_t caret = line.size() + (at - first);
  for (std::size_t i = first; i < last; ++i) {
    // Tabs, newlines and other control bytes would move the caret off its column.
    line += detail::is_control_byte(expression[i]) ? ' ' : expression[i];
  }
  if (last < expression.size()) line += "...";

  std::string out = what();
  out += "\n  ";
  out += line;
  out += "\n  ";
  out += std::string(caret, ' ');
  out += '^';
  return out;
}

}  // namespace gradflow::expr
