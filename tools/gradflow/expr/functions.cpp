#include "expr/functions.hpp"

#include <gradflow/gates/table.hpp>

#include <algorithm>
#include <vector>

namespace gradflow::expr {

std::string_view OperatorGates::add() { return gates::Add::name; }
std::string_view OperatorGates::sub() { return gates::Sub::name; }
std::string_view OperatorGates::mul() { return gates::Mul::name; }
std::string_view OperatorGates::div() { return gates::Div::name; }
std::string_view OperatorGates::pow() { return gates::Pow::name; }
std::string_view OperatorGates::neg() { return gates::Neg::name; }

namespace {

// Gates that only operators reach. pow is both `^` and pow(a, b), so it stays callable.
bool operator_only(std::string_view name) {
  return name == gates::Add::name || name == gates::Sub::name || name == gates::Mul::name ||
         name == gates::Div::name || name == gates::Neg::name;
}

std::vector<FunctionInfo> build() {
  std::vector<FunctionInfo> out;
  gates::UnaryGates::for_each([&]<class G>() {
    if (!operator_only(G::name)) out.push_back({G::name, 1});
  });
  gates::BinaryGates::for_each([&]<class G>() {
    if (!operator_only(G::name)) out.push_back({G::name, 2});
  });
  return out;
}

}  // namespace

std::span<const FunctionInfo> functions() {
  static const std::vector<FunctionInfo> table = build();
  return table;
}

const FunctionInfo* find_function(std::string_view name) {
  const auto all = functions();
  const auto it = std::find_if(all.begin(), all.end(),
                               [&](const FunctionInfo& f) { return f.name == name; });
  return it == all.end() ? nullptr : &*it;
}

std::string known_functions() {
  std::string one;
  std::string two;
  for (const FunctionInfo& f : functions()) {
    std::string& list = f.arity == 1 ? one : two;
    if (!list.empty()) list += ' ';
    list += f.name;
  }
  return "one argument: " + one + "; two arguments: " + two;
}

}  // namespace gradflow::expr
