#include "expr/parser.hpp"

#include "expr/error.hpp"
#include "expr/functions.hpp"
#include "expr/lexer.hpp"

#include <charconv>
#include <unordered_map>

namespace gradflow::expr {

namespace {

// Binding strength; higher binds tighter. Unary minus sits between * and ^.
constexpr int kAdditive = 1;
constexpr int kMultiplicative = 2;
constexpr int kPrefix = 3;
constexpr int kPower = 4;

// An entry of the operator stack (see Note [No recursion] in parser.hpp).
struct Pending {
  enum class Kind { binary, prefix, paren, call } kind;
  std::string_view gate;  // binary, prefix, call
  int precedence = 0;     // binary, prefix
  std::size_t column = 0;
  std::size_t args = 0;   // call: arguments seen so far
  std::size_t arity = 0;  // call
  std::string_view name;  // call: as written
  std::size_t open = 0;   // call: column of its '('

  static Pending op(Kind k, std::string_view gate, int precedence, std::size_t column) {
    Pending p{};
    p.kind = k;
    p.gate = gate;
    p.precedence = precedence;
    p.column = column;
    return p;
  }
};

struct BinaryOp {
  std::string_view gate;
  int precedence;
  bool right_assoc;
};

bool binary_operator(TokenKind k, BinaryOp& op) {
  switch (k) {
    case TokenKind::plus: op = {OperatorGates::add(), kAdditive, false}; return true;
    case TokenKind::minus: op = {OperatorGates::sub(), kAdditive, false}; return true;
    case TokenKind::star: op = {OperatorGates::mul(), kMultiplicative, false}; return true;
    case TokenKind::slash: op = {OperatorGates::div(), kMultiplicative, false}; return true;
    case TokenKind::caret: op = {OperatorGates::pow(), kPower, true}; return true;
    default: return false;
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) {}

  Program run() {
    bool expect_operand = true;
    for (;;) {
      const Token t = lexer_.next();
      if (expect_operand) {
        expect_operand = operand(t);
        continue;
      }
      if (t.kind == TokenKind::end) {
        end_column_ = t.column;
        break;
      }
      expect_operand = after_operand(t);
    }
    while (!stack_.empty()) {
      const Pending& p = stack_.back();
      if (p.kind == Pending::Kind::paren || p.kind == Pending::Kind::call) {
        throw ExprError("missing ')': the '(' at column " +
                            std::to_string(p.kind == Pending::Kind::call ? p.open : p.column) +
                            " is never closed",
                        end_column_);
      }
      emit_pending(p);
      stack_.pop_back();
    }
    return std::move(program_);
  }

 private:
  // An operand is due. Returns whether one is still due afterwards.
  bool operand(const Token& t) {
    switch (t.kind) {
      case TokenKind::number:
        program_.code.push_back({Instruction::Kind::number, 0, t.number, {}, t.column});
        return false;
      case TokenKind::name: return name(t);
      case TokenKind::lparen:
        stack_.push_back(Pending::op(Pending::Kind::paren, {}, 0, t.column));
        return true;
      case TokenKind::minus:
        stack_.push_back(Pending::op(Pending::Kind::prefix, OperatorGates::neg(), kPrefix, t.column));
        return true;
      case TokenKind::plus: return true;  // unary plus changes nothing
      case TokenKind::rparen:
        if (!stack_.empty() && stack_.back().kind == Pending::Kind::call &&
            stack_.back().args == 0 && last_was_call_open_) {
          close_call(/*has_argument=*/false);
          return false;
        }
        [[fallthrough]];
      default:
        if (t.kind == TokenKind::end) end_column_ = t.column;
        throw ExprError("expected a number, a variable, a function or '(' but found " +
                            describe(t),
                        t.column);
    }
  }

  bool name(const Token& t) {
    const bool call = lexer_.peek().kind == TokenKind::lparen;
    const FunctionInfo* f = find_function(t.text);
    if (call) {
      if (f == nullptr) {
        throw ExprError("unknown function '" + std::string(t.text) + "'; the functions are " +
                            known_functions(),
                        t.column);
      }
      const Token open = lexer_.next();
      stack_.push_back({Pending::Kind::call, f->name, 0, t.column, 0, f->arity, t.text,
                        open.column});
      last_was_call_open_ = true;
      return true;
    }
    if (f != nullptr) {
      throw ExprError("'" + std::string(t.text) + "' is a function: call it as " +
                          std::string(t.text) + "(" + (f->arity == 1 ? "x" : "x, y") + ")",
                      t.column);
    }
    auto [it, inserted] =
        variable_index_.try_emplace(std::string(t.text), program_.variables.size());
    if (inserted) {
      program_.variables.emplace_back(t.text);
      program_.first_use.push_back(t.column);
    }
    program_.code.push_back({Instruction::Kind::variable, static_cast<std::uint32_t>(it->second),
                             0.0, {}, t.column});
    return false;
  }

  // An operand was just completed: an operator, ')', ',' or the end is due.
  bool after_operand(const Token& t) {
    last_was_call_open_ = false;
    BinaryOp op{};
    if (binary_operator(t.kind, op)) {
      while (!stack_.empty()) {
        const Pending& top = stack_.back();
        if (top.kind != Pending::Kind::binary && top.kind != Pending::Kind::prefix) break;
        if (top.precedence < op.precedence) break;
        if (top.precedence == op.precedence && op.right_assoc) break;
        emit_pending(top);
        stack_.pop_back();
      }
      stack_.push_back(Pending::op(Pending::Kind::binary, op.gate, op.precedence, t.column));
      return true;
    }
    switch (t.kind) {
      case TokenKind::rparen:
        pop_operators();
        if (stack_.empty()) {
          throw ExprError("unmatched ')': there is no '(' for it to close", t.column);
        }
        if (stack_.back().kind == Pending::Kind::paren) {
          stack_.pop_back();
        } else {
          close_call(/*has_argument=*/true);
        }
        return false;
      case TokenKind::comma:
        pop_operators();
        if (stack_.empty() || stack_.back().kind != Pending::Kind::call) {
          throw ExprError("',' outside a function call; commas separate the arguments of "
                          "functions such as max(x, y)",
                          t.column);
        }
        ++stack_.back().args;
        return true;
      default: {
        std::string hint;
        if (t.kind == TokenKind::name || t.kind == TokenKind::number ||
            t.kind == TokenKind::lparen) {
          hint = "; write '*' to multiply";
        }
        throw ExprError("expected an operator, ')' or the end but found " + describe(t) + hint,
                        t.column);
      }
    }
  }

  // Pops operators down to the nearest '(' or call.
  void pop_operators() {
    while (!stack_.empty() && (stack_.back().kind == Pending::Kind::binary ||
                               stack_.back().kind == Pending::Kind::prefix)) {
      emit_pending(stack_.back());
      stack_.pop_back();
    }
  }

  void close_call(bool has_argument) {
    Pending call = stack_.back();
    stack_.pop_back();
    last_was_call_open_ = false;
    const std::size_t args = call.args + (has_argument ? 1 : 0);
    if (args != call.arity) {
      throw ExprError(std::string(call.name) + " takes " + std::to_string(call.arity) +
                          (call.arity == 1 ? " argument" : " arguments") + " but was given " +
                          std::to_string(args),
                      call.column);
    }
    program_.code.push_back({Instruction::Kind::gate, static_cast<std::uint32_t>(args), 0.0,
                             call.gate, call.column});
  }

  void emit_pending(const Pending& p) {
    const std::uint32_t operands = p.kind == Pending::Kind::prefix ? 1 : 2;
    program_.code.push_back({Instruction::Kind::gate, operands, 0.0, p.gate, p.column});
  }

  Lexer lexer_;
  Program program_;
  std::vector<Pending> stack_;
  std::unordered_map<std::string, std::size_t> variable_index_;
  bool last_was_call_open_ = false;
  std::size_t end_column_ = 0;
};

}  // namespace

Program parse(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw ExprError("the expression is empty", 1);
  }
  return Parser(text).run();
}

std::string to_string(const Program& program) {
  std::vector<std::string> stack;
  for (const Instruction& in : program.code) {
    switch (in.kind) {
      case Instruction::Kind::number: {
        char buf[32];
        const auto r = std::to_chars(buf, buf + sizeof buf, in.number);
        stack.emplace_back(buf, r.ptr);
        break;
      }
      case Instruction::Kind::variable: stack.push_back(program.variables[in.index]); break;
      case Instruction::Kind::gate: {
        const std::size_t n = in.index;
        std::string s;
        const std::string* args = stack.data() + (stack.size() - n);
        if (in.gate == OperatorGates::neg()) {
          s = "(-" + args[0] + ")";
        } else if (n == 2 && (in.gate == OperatorGates::add() || in.gate == OperatorGates::sub() ||
                              in.gate == OperatorGates::mul() || in.gate == OperatorGates::div() ||
                              in.gate == OperatorGates::pow())) {
          // pow(a, b) and a ^ b record the same gate; both print as the operator
          const char* sym = in.gate == OperatorGates::add()   ? " + "
                            : in.gate == OperatorGates::sub() ? " - "
                            : in.gate == OperatorGates::mul() ? " * "
                            : in.gate == OperatorGates::div() ? " / "
                                                              : " ^ ";
          s = "(" + args[0] + sym + args[1] + ")";
        } else {
          s = std::string(in.gate) + "(";
          for (std::size_t i = 0; i < n; ++i) s += (i ? ", " : "") + args[i];
          s += ")";
        }
        stack.resize(stack.size() - n);
        stack.push_back(std::move(s));
        break;
      }
    }
  }
  return stack.empty() ? std::string() : std::move(stack.back());
}

}  // namespace gradflow::expr
