#pragma once
/// @file
/// The error an expression raises: what went wrong and the column where, so that a front end can
/// draw a caret under the spot.

#include <gradflow/core/error.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace gradflow::expr {

/// Thrown by parse() and evaluate() for bad input. what() is "column N: reason"; reason() and
/// column() give the parts, and show() adds the expression with a caret under the column.
class ExprError : public gradflow::Error {
 public:
  /// `column` is 1-based, in bytes; one past the end stands for "at the end of the expression".
  ExprError(std::string reason, std::size_t column);

  const std::string& reason() const noexcept { return reason_; }
  std::size_t column() const noexcept { return column_; }

  /// The message with the expression (or, for a long one, the part around the column) on the
  /// next line and a caret under the column:
  ///
  ///     column 6: expected a number, a variable, a function or '(' but found '*'
  ///       (x + *y)
  ///            ^
  std::string show(std::string_view expression) const;

 private:
  std::string reason_;
  std::size_t column_;
};

/// How a character of the input is quoted in messages: 'x', or \xNN for a byte that is not
/// printable ASCII.
std::string quote_char(char c);

}  // namespace gradflow::expr
