#pragma once
/// @file
/// Splits an expression into tokens: numbers, names, operators, parentheses and commas.
/// Whitespace (space, tab, newline, carriage return) separates tokens and is otherwise ignored.

#include <cstddef>
#include <string>
#include <string_view>

namespace gradflow::expr {

enum class TokenKind { number, name, plus, minus, star, slash, caret, lparen, rparen, comma, end };

struct Token {
  TokenKind kind = TokenKind::end;
  std::string_view text;  // the token as written (empty at the end)
  std::size_t column = 0;  // 1-based byte column of its first character
  double number = 0.0;     // the value of a number token
};

/// Reads tokens one at a time; throws ExprError at a character no token starts with, or at a
/// malformed or out-of-range number.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}
  /// The next token; TokenKind::end (repeatedly) once the input is used up.
  Token next();
  /// The token after the next one would be, without consuming anything.
  Token peek();

 private:
  Token number(std::size_t start);
  std::string_view text_;
  std::size_t pos_ = 0;
};

/// How a token is named in messages: "'*'", "the number 2", "the name x", "the end".
std::string describe(const Token& token);

}  // namespace gradflow::expr
