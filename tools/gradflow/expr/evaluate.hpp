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

/// The first operation whose result was not finite (NaN or infinite), in evaluation order.
struct NonFinite {
  std::string_view gate;       // gate name, e.g. "log"
  std::vector<double> inputs;  // its input values
  double result = 0.0;
  std::size_t column = 0;      // where the operation is written
};

/// What evaluate() recorded.
struct Evaluation {
  Var output;                 // the expression's value (a constant if no variable is used)
  std::vector<Var> variables;  // one named leaf per binding, in binding order
  std::optional<NonFinite> first_non_finite;
  std::vector<std::size_t> column_of_slot;  // where each recorded slot is written (0: none)
};

/// Records the program on the current tape: first a leaf per binding (named after it), then the
/// gates. Throws ExprError at the first use of a variable that has no binding.
Evaluation evaluate(const Program& program, std::span<const Binding> bindings);

/// Runs the program with values[i] as Program::variables[i] (gradcheck calls this for its
/// shifted points). Needs one value per variable.
Var evaluate(const Program& program, std::span<const Var> values);

}  // namespace gradflow::expr
