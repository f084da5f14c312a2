#include "grad/diagnose.hpp"

#include "number_text.hpp"

#include <gradflow/viz/gate_label.hpp>

#include <cmath>

namespace gradflow::cli {

namespace {

std::string call(std::string_view gate, const std::vector<double>& inputs) {
  std::string s = std::string(gate) + "(";
  for (std::size_t i = 0; i < inputs.size(); ++i) s += (i ? ", " : "") + number_text(inputs[i]);
  return s + ")";
}

std::string column_text(std::size_t column) {
  return column > 0 ? " at column " + std::to_string(column) : "";
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
    const Slot ops[2] = {e.a, e.b};
    const double partials[2] = {e.da, e.db};
    for (int k = 0; k < 2; ++k) {
      if (ops[k] == 0 || std::isfinite(partials[k] * upstream)) continue;
      std::vector<double> inputs;
      for (Slot o : ops) {
        if (o == 0) continue;
        const SlotAnnotation* in = tape.annotation(o);
        if (in != nullptr) inputs.push_back(in->value);
      }
      const std::size_t column = s < ev.column_of_slot.size() ? ev.column_of_slot[s] : 0;
      return "; it comes from " + std::string(a->op) + column_text(column) + ": " +
             call(a->op, inputs) + " has local gradient " + number_text(partials[k]) +
             (inputs.size() > 1 ? " with respect to input " + std::to_string(k + 1) : "");
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
                       ": the first non-finite value comes from " + std::string(nf.gate) +
                       column_text(nf.column) + ": " + call(nf.gate, nf.inputs) + " = " +
                       number_text(nf.result));
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
