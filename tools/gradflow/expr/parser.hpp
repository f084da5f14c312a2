#pragma once
/// @file
/// The expression grammar, parsed into a flat program in postfix order.
///
///     expr    := term (('+' | '-') term)*
///     term    := unary (('*' | '/') unary)*
///     unary   := ('-' | '+') unary | power
///     power   := primary ('^' unary)?          right-associative: 2^3^2 = 2^9
///     primary := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
///
/// `^` binds tighter than unary minus (-x^2 is -(x^2)) and its exponent may carry a sign
/// (2^-1). Functions are the gates of the table (see functions.hpp).
///
/// Note [No recursion]
/// The parser is a shunting-yard loop with an explicit operator stack, and the program is a flat
/// postfix sequence that evaluate() runs with an explicit value stack; nothing recurses on the
/// nesting depth, so 100,000 nested parentheses or 50,000 nested calls parse and evaluate like
/// any other input instead of overflowing the call stack.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gradflow::expr {

/// One step of a program, in postfix order.
struct Instruction {
  enum class Kind : std::uint8_t {
    number,    // push `number`
    variable,  // push variable number `index` (Program::variables)
    gate,      // pop `index` operands, push gate `gate` applied to them
  };
  Kind kind = Kind::number;
  std::uint32_t index = 0;
  double number = 0.0;
  std::string_view gate;   // a gate name from the table (static storage)
  std::size_t column = 0;  // 1-based column of the token that made this step
};

/// A parsed expression.
struct Program {
  std::vector<Instruction> code;
  /// Distinct variable names, in order of first use.
  std::vector<std::string> variables;
  /// Column of each variable's first use.
  std::vector<std::size_t> first_use;
};

/// Parses `text`; throws ExprError (with the column) for anything the grammar rejects.
Program parse(std::string_view text);

/// The program written back as fully parenthesised infix, e.g. "(-(x ^ 2))" for -x^2 (numbers
/// in shortest round-trip form). Parsing this string gives the same program.
std::string to_string(const Program& program);

}  // namespace gradflow::expr
