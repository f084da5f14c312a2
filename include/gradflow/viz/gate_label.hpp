#pragma once
/// @file
/// What the gate table says about a recorded op name, and how a gate is labelled in diagrams and
/// traces. Shared by to_dot() and the command line's trace.

#include <cstddef>
#include <string>
#include <string_view>

namespace gradflow::viz {

/// A gate of the table, looked up by the name the tape annotation carries.
struct GateInfo {
  std::string_view name;
  std::string_view symbol;
  std::size_t arity = 0;    // variable inputs: 1 or 2
  bool parametric = false;  // has a constant c (add_const, scale, pow_const, ...)
};

/// The table's gate called `name`, or nullptr (leaves, fused ops, users' custom gates).
const GateInfo* find_gate(std::string_view name);

/// A gate's label: the table symbol with the constant written in, as the notes draw gates:
/// add_const(1) is "+1", scale(-1) "*-1", pow_const(2) "^2", div_into(1) "1/x", sub_from(3)
/// "3-x", add_const(-2) "-2"; a gate without a constant is its symbol ("+", "sigmoid"); an op
/// the table does not know is its own name.
std::string gate_label(std::string_view op, double param);

/// A number with `digits` significant digits, trailing zeros kept ("3.00", "-0.0397",
/// "1.23e+04"); "nan", "inf", "-inf"; negative zero as "0.00".
std::string format_number(double value, int digits);

}  // namespace gradflow::viz
