#include <gradflow/scalar/record.hpp>

namespace gradflow::detail {

Slot record_annotated(Tape& tape, double out, Slot sx, double d_out_dx, Slot sy, double d_out_dy,
                      std::string_view name, double param) noexcept {
  try {
    const Slot slot = tape.push(sx, d_out_dx, sy, d_out_dy);
    tape.annotate(slot, name, out, param);  // may need memory for the annotations
    return slot;
  } catch (...) {  // a full tape or no memory: the caller's tape.fail_grow() throws which
    return kNoSlot;
  }
}

}  // namespace gradflow::detail
