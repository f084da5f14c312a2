#include <gradflow/scalar/record.hpp>

namespace gradflow::detail {

Var record_slow(Tape& tape, double out, Slot sx, double d_out_dx, std::string_view name,
                double param) {
  if (sx == 0 || !tape.recording()) return Var::constant(out);
  const Slot slot = tape.push(sx, d_out_dx);
  if (tape.annotating()) tape.annotate(slot, name, out, param);
  return VarAccess::make(out, slot, tape.generation());
}

Var record_slow(Tape& tape, double out, Slot sx, double d_out_dx, Slot sy, double d_out_dy,
                std::string_view name) {
  if ((sx | sy) == 0 || !tape.recording()) return Var::constant(out);
  const Slot slot = tape.push(sx, d_out_dx, sy, d_out_dy);
  if (tape.annotating()) tape.annotate(slot, name, out);
  return VarAccess::make(out, slot, tape.generation());
}

}  // namespace gradflow::detail
