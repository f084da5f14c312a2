#include "grad/diagnose.hpp"

#include "number_text.hpp"

#include <gradflow/viz/gate_label.hpp>

#include <cmath>
#include <span>

namespace gradflow::cli {

namespace {

// "pow at column 2: pow(-1, 0.5)": the operation as the expression writes it, so that both
// warnings show the user's spelling, never the tape's gate (pow_const).
std::string written(const expr::Operation& op) {
  std::string s = std::string(op.gate) +
                  (op.column > 0 ? " at column " + std::to_string(op.column) : "") + ": " +
                  std::string(op.gate) + "(";
  const std::span<const double> inputs = op.inputs();
  for (std::size_t i = 0; i < inputs.size(); ++i) s += (i ? ", " : "") + number_text(inputs[i]);
  return s + ")";
}

// The first gate in backward order whose local gradient turned a finite gradient into a
// non-finite one.
std::string gradient_origin(const Tape& tape, const expr::Evaluation& ev) {
  const Slot output = ev.output.is_constant() ? 0 : ev.output.slot("grad");
  for (Slot s = output; s > 0; --s) {
    const SlotAnnotation* a = tape.annotation(s);
    const TapeEntry e = tape.entry(s);
    if (a == nullptr || e.a >= kFirstMarker || Tape::is_leaf(e)) continue;
    const double upstream = tape.adjoint(s);
    if (!std::isfinite(upstream) || upstream == 0.0) continue;
    // Each gate slot of an evaluation has its operation; this only guards the index.
    if (s >= ev.operation_of_slot.size() || ev.operation_of_slot[s].gate.empty()) continue;
    const Slot ops[2] = {e.a, e.b};
    const double partials[2] = {e.da, e.db};
    for (int k = 0; k < 2; ++k) {
      if (ops[k] == 0 || std::isfinite(partials[k] * upstream)) continue;
      // With one operand on the tape (the other a literal folded into the gate, or none) the
      // gradient can only be with respect to that one; with two, the tape keeps the written order.
      const bool two_inputs = ops[0] != 0 && ops[1] != 0;
      return "; it comes from " + written(ev.operation_of_slot[s]) + " has local gradient " +
             number_text(partials[k]) +
             (two_inputs ? " with respect to input " + std::to_string(k + 1) : "");
    }
  }
  return "";
}

}  // namespace

std::vector<std::string> non_finite_warnings(const Tape& tape, const expr::Evaluation& ev,
                                             const std::vector<double>& gradients) {
  std::vector<std::string> warnings;
  if (ev.first_non_finite) {
    const expr::NonFinite& nf = *ev.first_non_finite;
    warnings.push_back("the value is " + number_text(ev.output.value()) +
                       ": the first non-finite value comes from " + written(nf.operation) +
                       " = " + number_text(nf.result));
  }
  for (std::size_t i = 0; i < gradients.size(); ++i) {
    if (std::isfinite(gradients[i])) continue;
    std::string names;
    for (std::size_t j = i; j < gradients.size(); ++j) {
      if (!std::isfinite(gradients[j])) {
        const SlotAnnotation* a = tape.annotation(ev.variables[j].slot("grad"));
        names += (names.empty() ? "" : ", ") + (a != nullptr ? a->label : std::string("?")) +
                 " is " + number_text(gradients[j]);
      }
    }
    warnings.push_back("the gradient is not finite (" + names + ")" + gradient_origin(tape, ev));
    break;
  }
  return warnings;
}

}  // namespace gradflow::cli
