#pragma once
/// @file
/// Runs a parsed expression on gradflow's tape: every operator and function becomes one gate of
/// the table, so backward() gives the gradient and to_dot() draws the circuit.
///
/// Note [Literals]
/// A literal never becomes an input of its own where a gate with a constant exists: `x + 1`
/// records add_const (drawn "+1"), `2 * x` scale, `x ^ 2` pow_const, `1 / x` div_into, as the
/// notes draw them. Operations on literals alone are folded into a literal (`2 * 3` is 6). A
/// literal argument of a binary gate with no such variant (max, min) is recorded as a leaf
/// annotated as a constant (gradflow::kConstantOp), so that diagrams and traces can show its value.

#include "expr/parser.hpp"

#include <gradflow/core/tape.hpp>
#include <gradflow/scalar/var.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gradflow::expr {

/// A value for a variable, as given on the command line.
struct Binding {
  std::string name;
  double value = 0.0;
};

/// One operation as the expression writes it: the gate the parser named and the values of its
/// operands, literals included. The tape records `x ^ 0.5` as pow_const(x) with the 0.5 as its
/// constant (Note [Literals]); messages show it as written, pow(-1, 0.5).
struct Operation {
  std::string_view gate;             // gate name, e.g. "log", "pow"; empty for no operation
  std::array<double, 2> operands{};  // the first `arity`: every gate takes one or two
  std::size_t arity = 0;
  std::size_t column = 0;            // where the operation is written

  std::span<const double> inputs() const noexcept { return {operands.data(), arity}; }
};

/// The first operation whose result was not finite (NaN or infinite), in evaluation order.
struct NonFinite {
  Operation operation;
  double result = 0.0;
};

/// What evaluate() recorded.
struct Evaluation {
  Var output;                 // the expression's value (a constant if no variable is used)
  std::vector<Var> variables;  // one named leaf per binding, in binding order
  std::optional<NonFinite> first_non_finite;
  std::vector<Operation> operation_of_slot;  // the operation that recorded each slot (or none)
};

/// Records the program on the current tape: first a leaf per binding (named after it), then the
/// gates. Throws ExprError at the first use of a variable that has no binding.
Evaluation evaluate(const Program& program, std::span<const Binding> bindings);

/// Runs the program with values[i] as Program::variables[i] (gradcheck calls this for its
/// shifted points). Needs one value per variable.
Var evaluate(const Program& program, std::span<const Var> values);

}  // namespace gradflow::expr
