#include <gradflow/scalar/var.hpp>

#include <ostream>
#include <string>

namespace gradflow {

Var::Var(double value) : value_(value) {
  Tape& tape = Tape::current();
  if (!tape.recording()) return;  // a constant under NoGradGuard
  slot_ = tape.push_leaf();
  generation_ = tape.generation();
  if (tape.annotating()) [[unlikely]] tape.annotate(slot_, "leaf", value);
}

std::vector<Var> Var::leaves(std::span<const double> values) {
  std::vector<Var> out;
  out.reserve(values.size());
  Tape& tape = Tape::current();
  if (!tape.recording()) {
    for (double v : values) out.push_back(constant(v));
    return out;
  }
  const Slot first = tape.push_leaves(values.size());
  const std::uint32_t generation = tape.generation();
  for (std::size_t i = 0; i < values.size(); ++i) {
    out.push_back(Var(values[i], first + static_cast<Slot>(i), generation));
    if (tape.annotating()) tape.annotate(first + static_cast<Slot>(i), "leaf", values[i]);
  }
  return out;
}

double Var::grad() const {
  if (is_constant()) return 0.0;
  Tape& tape = Tape::current();
  return tape.adjoint(tape.operand(slot_, generation_, "grad()"));
}

void Var::backward() const {
  if (is_constant()) {
    detail::fail("backward(): this Var is a constant, so there is no graph to go back through; "
                 "it was made with Var() or Var::constant(), computed only from constants, or "
                 "computed inside a NoGradGuard. Start from leaves (Var x = 3.0) to get "
                 "gradients.");
  }
  Tape& tape = Tape::current();
  tape.backward(tape.operand(slot_, generation_, "backward()"));
}

Var& Var::set_name(std::string name) {
  if (!is_constant()) {
    Tape& tape = Tape::current();
    tape.set_label(tape.operand(slot_, generation_, "set_name()"), std::move(name));
  }
  return *this;
}

void grads(std::span<const Var> vars, std::span<double> out) {
  if (vars.size() != out.size()) {
    detail::fail("grads(): " + std::to_string(vars.size()) + " Vars but room for " +
                 std::to_string(out.size()) + " gradients; the two spans must have one length");
  }
  for (std::size_t i = 0; i < vars.size(); ++i) out[i] = vars[i].grad();
}

std::vector<double> grads(std::span<const Var> vars) {
  std::vector<double> out(vars.size());
  grads(vars, out);
  return out;
}

std::ostream& operator<<(std::ostream& os, const Var& v) { return os << v.value(); }

}  // namespace gradflow
