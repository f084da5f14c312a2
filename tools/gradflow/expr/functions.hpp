#pragma once
/// @file
/// The functions an expression can call, taken from the gate table (gates/table.hpp): every
/// unary and binary gate except those spelled as operators (+ - * / and unary minus). Adding a
/// gate to the table makes it callable here with no change to the parser.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace gradflow::expr {

/// A callable function: a gate's name and how many arguments it takes.
struct FunctionInfo {
  std::string_view name;
  std::size_t arity;
};

/// Every callable function, unary gates first, in table order.
std::span<const FunctionInfo> functions();

/// The function called `name`, or nullptr.
const FunctionInfo* find_function(std::string_view name);

/// "one argument: exp log ...; two arguments: max min pow", for error messages.
std::string known_functions();

/// The gate names the operators record: `a + b` is "add", `-a` is "neg", `a ^ b` is "pow".
struct OperatorGates {
  static std::string_view add();
  static std::string_view sub();
  static std::string_view mul();
  static std::string_view div();
  static std::string_view pow();
  static std::string_view neg();
};

}  // namespace gradflow::expr
