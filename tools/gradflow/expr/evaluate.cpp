#include "expr/evaluate.hpp"

#include "expr/error.hpp"

#include <gradflow/gates/table.hpp>
#include <gradflow/scalar/record.hpp>
#include <gradflow/viz/dot.hpp>

#include <cmath>
#include <unordered_map>

namespace gradflow::expr {

namespace {

// A literal as an input of a binary gate that has no variant with a constant (Note [Literals]).
Var constant_input(double c) {
  Var v(c);
  Tape& tape = Tape::current();
  if (!v.is_constant() && tape.annotating()) {
    tape.annotate(v.slot("constant"), kConstantOp, c);
  }
  return v;
}

// x OP c, or c OP x when `constant_left`, as a gate with a constant parameter; nothing for a
// gate with no such variant.
std::optional<Var> apply_with_constant(std::string_view gate, const Var& x, double c,
                                       bool constant_left) {
  using namespace gates;
  if (gate == Add::name) return apply<AddConst>(x, c);
  if (gate == Sub::name) return constant_left ? apply<SubFrom>(x, c) : apply<AddConst>(x, -c);
  if (gate == Mul::name) return apply<Scale>(x, c);
  if (gate == Div::name) return constant_left ? apply<DivInto>(x, c) : apply<DivBy>(x, c);
  if (gate == Pow::name) return constant_left ? apply<ConstPow>(x, c) : apply<PowConst>(x, c);
  return std::nullopt;
}

template <class G>
Var apply_binary(const Var& x, const Var& y) {
  if (x.is_constant() != y.is_constant()) {
    const bool left = x.is_constant();
    const Var& v = left ? y : x;
    const double c = left ? x.value() : y.value();
    if (std::optional<Var> out = apply_with_constant(G::name, v, c, left)) return *out;
    return left ? apply<G>(constant_input(c), y) : apply<G>(x, constant_input(c));
  }
  return apply<G>(x, y);  // two variables, or two literals (folded: record() keeps no gate)
}

// Applies the gate called `gate` to the operands; the parser only emits names of the table.
Var apply_gate(std::string_view gate, std::span<const Var> args) {
  Var out;
  bool found = false;
  if (args.size() == 1) {
    gates::UnaryGates::for_each([&]<class G>() {
      if (!found && G::name == gate) {
        out = apply<G>(args[0]);
        found = true;
      }
    });
  } else if (args.size() == 2) {
    gates::BinaryGates::for_each([&]<class G>() {
      if (!found && G::name == gate) {
        out = apply_binary<G>(args[0], args[1]);
        found = true;
      }
    });
  }
  if (!found) {
    throw gradflow::Error("expression: no gate '" + std::string(gate) + "' taking " +
                          std::to_string(args.size()) + " operands (a parser bug)");
  }
  return out;
}

bool all_finite(std::span<const Var> args) {
  for (const Var& a : args) {
    if (!std::isfinite(a.value())) return false;
  }
  return true;
}

// The postfix loop (Note [No recursion] in parser.hpp).
Var run(const Program& program, std::span<const Var> values, Evaluation* record) {
  std::vector<Var> stack;
  Tape& tape = Tape::current();
  for (const Instruction& in : program.code) {
    switch (in.kind) {
      case Instruction::Kind::number: stack.push_back(Var::constant(in.number)); break;
      case Instruction::Kind::variable: stack.push_back(values[in.index]); break;
      case Instruction::Kind::gate: {
        const std::size_t n = in.index;
        const std::span<const Var> args(stack.data() + (stack.size() - n), n);
        const std::size_t before = tape.size();
        Var out = apply_gate(in.gate, args);
        if (record != nullptr) {
          Operation op{in.gate, {}, n, in.column};
          // apply_gate took the operands, so there are one or two.
          for (std::size_t k = 0; k < n; ++k) op.operands[k] = args[k].value();
          if (!record->first_non_finite && !std::isfinite(out.value()) && all_finite(args)) {
            record->first_non_finite = NonFinite{op, out.value()};
          }
          if (tape.size() > before) {
            record->operation_of_slot.resize(before);
            record->operation_of_slot.resize(tape.size(), op);
          }
        }
        stack.resize(stack.size() - n);
        stack.push_back(out);
        break;
      }
    }
  }
  return stack.back();
}

}  // namespace

Evaluation evaluate(const Program& program, std::span<const Binding> bindings) {
  Evaluation result;
  std::unordered_map<std::string_view, std::size_t> by_name;
  for (const Binding& b : bindings) {
    Var v(b.value);
    v.set_name(b.name);
    by_name.emplace(b.name, result.variables.size());
    result.variables.push_back(v);
  }
  std::vector<Var> values;
  values.reserve(program.variables.size());
  for (std::size_t i = 0; i < program.variables.size(); ++i) {
    const auto it = by_name.find(program.variables[i]);
    if (it == by_name.end()) {
      throw ExprError("the variable '" + program.variables[i] +
                          "' has no value; give it one with --at " + program.variables[i] +
                          "=VALUE",
                      program.first_use[i]);
    }
    values.push_back(result.variables[it->second]);
  }
  result.output = run(program, values, &result);
  if (!result.first_non_finite && !std::isfinite(result.output.value())) {
    // Only a literal itself can be non-finite without an operation making it so; the lexer
    // rejects those, so this is a safeguard.
    result.first_non_finite = NonFinite{Operation{"literal", {}, 0, 1}, result.output.value()};
  }
  return result;
}

Var evaluate(const Program& program, std::span<const Var> values) {
  if (values.size() != program.variables.size()) {
    throw gradflow::Error("expression: " + std::to_string(program.variables.size()) +
                          " variables but " + std::to_string(values.size()) + " values");
  }
  return run(program, values, nullptr);
}

}  // namespace gradflow::expr
