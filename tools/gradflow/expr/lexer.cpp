#include "expr/lexer.hpp"

#include "expr/error.hpp"

#include <charconv>
#include <system_error>

namespace gradflow::expr {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

}  // namespace

Token Lexer::peek() {
  const std::size_t saved = pos_;
  Token t = next();
  pos_ = saved;
  return t;
}

Token Lexer::next() {
  while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  const std::size_t start = pos_;
  if (pos_ == text_.size()) return Token{TokenKind::end, {}, start + 1, 0.0};

  const char c = text_[pos_];
  if (is_digit(c) || (c == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1]))) {
    return number(start);
  }
  if (is_name_start(c)) {
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    return Token{TokenKind::name, text_.substr(start, pos_ - start), start + 1, 0.0};
  }

  TokenKind kind;
  switch (c) {
    case '+': kind = TokenKind::plus; break;
    case '-': kind = TokenKind::minus; break;
    case '*': kind = TokenKind::star; break;
    case '/': kind = TokenKind::slash; break;
    case '^': kind = TokenKind::caret; break;
    case '(': kind = TokenKind::lparen; break;
    case ')': kind = TokenKind::rparen; break;
    case ',': kind = TokenKind::comma; break;
    default:
      throw ExprError("unexpected character " + quote_char(c) +
                          "; an expression holds numbers, names, + - * / ^, parentheses and "
                          "commas between function arguments",
                      start + 1);
  }
  ++pos_;
  return Token{kind, text_.substr(start, 1), start + 1, 0.0};
}

// digits [. digits] [e|E [+|-] digits], or . digits [exponent]
Token Lexer::number(std::size_t start) {
  while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    std::size_t p = pos_ + 1;
    if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
    if (p >= text_.size() || !is_digit(text_[p])) {
      throw ExprError("malformed number '" + std::string(text_.substr(start, p - start)) +
                          "': the exponent after '" + text_[pos_] + "' has no digits",
                      start + 1);
    }
    while (p < text_.size() && is_digit(text_[p])) ++p;
    pos_ = p;
  }
  const std::string_view text = text_.substr(start, pos_ - start);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    throw ExprError("the number " + std::string(text) +
                        " is out of the range of a double (magnitudes from about 1e-308 to "
                        "1.8e308)",
                    start + 1);
  }
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw ExprError("malformed number '" + std::string(text) + "'", start + 1);
  }
  return Token{TokenKind::number, text, start + 1, value};
}

std::string describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::end: return "the end of the expression";
    case TokenKind::number: return "the number " + std::string(token.text);
    case TokenKind::name: return "the name '" + std::string(token.text) + "'";
    default: return std::string("'").append(token.text).append("'");
  }
}

}  // namespace gradflow::expr
