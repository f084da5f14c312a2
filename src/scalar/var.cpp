#include <gradflow/scalar/var.hpp>

#include <ostream>
#include <string>

namespace gradflow {

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
  }
  if (tape.annotating()) [[unlikely]] {
    for (std::size_t i = 0; i < values.size(); ++i) {
      tape.annotate(first + static_cast<Slot>(i), "leaf", values[i]);
    }
  }
  return out;
}

namespace detail {
void fail_backward_on_constant() {
  fail("backward(): this Var is a constant, so there is no graph to go back through; it was "
       "made with Var() or Var::constant(), computed only from constants, or computed inside a "
       "NoGradGuard. Start from leaves (Var x = 3.0) to get gradients.");
}
}  // namespace detail

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
  // What Var::grad() does for each, with the tape looked up once: this runs over every input of
  // a gradient, and a call per element cost as much as the backward sweep itself.
  const Tape& tape = Tape::current();
  for (std::size_t i = 0; i < vars.size(); ++i) {
    const Var& v = vars[i];
    out[i] = v.is_constant() ? 0.0
                             : tape.adjoint(tape.operand(detail::VarAccess::raw_slot(v),
                                                         detail::VarAccess::generation(v),
                                                         "grad()"));
  }
}

std::vector<double> grads(std::span<const Var> vars) {
  std::vector<double> out(vars.size());
  grads(vars, out);
  return out;
}

std::ostream& operator<<(std::ostream& os, const Var& v) { return os << v.value(); }

}  // namespace gradflow
