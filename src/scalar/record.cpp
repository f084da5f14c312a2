#include <gradflow/scalar/record.hpp>

#include <exception>
#include <utility>

namespace gradflow::detail {

namespace {
// What record_annotated() could not do, for rethrow_recording_failure() on the same thread.
thread_local std::exception_ptr recording_failure;
}  // namespace

Slot record_annotated(Tape& tape, double out, Slot sx, double d_out_dx, Slot sy, double d_out_dy,
                      std::string_view name, double param) noexcept {
  try {
    const Slot slot = tape.push(sx, d_out_dx, sy, d_out_dy);
    tape.annotate(slot, name, out, param);
    return slot;
  } catch (...) {
    recording_failure = std::current_exception();
    return kNoSlot;
  }
}

void rethrow_recording_failure() {
  std::exception_ptr failure = std::exchange(recording_failure, nullptr);
  std::rethrow_exception(failure);
}

}  // namespace gradflow::detail
