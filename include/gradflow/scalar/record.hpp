#pragma once
/// @file
/// Recording a gate on the tape. Every operation on Var ends here; user-defined gates use the
/// same two functions (see examples/custom_gate.cpp).

#include <gradflow/gates/gate.hpp>
#include <gradflow/scalar/var.hpp>

#include <limits>
#include <string_view>

namespace gradflow {

namespace detail {
/// What record_annotated() returns when it could not record; never a slot (those stay below
/// the entry markers).
inline constexpr Slot kNoSlot = std::numeric_limits<Slot>::max();
static_assert(kNoSlot > kFirstMarker);
/// Records a gate on a tape that is annotating (AnnotateGuard), annotation included. Never
/// throws (Note [No exceptions out of a returning cold call] in tape.hpp: this call sits in the
/// user's loop): it returns kNoSlot when it could not get memory, and the caller then calls
/// tape.fail_grow(), which throws the error.
Slot record_annotated(Tape& tape, double out, Slot sx, double d_out_dx, Slot sy, double d_out_dy,
                      std::string_view name, double param) noexcept;
}  // namespace detail

/// Records a gate with one input: `out` is its forward value and `d_out_dx` its local gradient,
/// both computed by the caller. `name` labels the gate in diagrams and must outlive the graph (a
/// string literal does). A constant input, or NoGradGuard, gives a constant result.
inline Var record(double out, const Var& x, double d_out_dx, std::string_view name = "custom",
                  double param = std::numeric_limits<double>::quiet_NaN()) {
  Tape& tape = Tape::current();
  const Slot sx = tape.operand(detail::VarAccess::raw_slot(x), detail::VarAccess::generation(x),
                               name);
  if (tape.plain() && sx != 0) [[likely]] {
    return detail::VarAccess::make(out, tape.push(sx, d_out_dx), tape.generation());
  }
  if (sx == 0 || !tape.recording()) return Var::constant(out);
  const Slot slot = detail::record_annotated(tape, out, sx, d_out_dx, 0, 0.0, name, param);
  if (slot == detail::kNoSlot) [[unlikely]] tape.fail_grow();
  return detail::VarAccess::make(out, slot, tape.generation());
}

/// Records a gate with two inputs and their local gradients.
inline Var record(double out, const Var& x, double d_out_dx, const Var& y, double d_out_dy,
                  std::string_view name = "custom") {
  Tape& tape = Tape::current();
  const Slot sx = tape.operand(detail::VarAccess::raw_slot(x), detail::VarAccess::generation(x),
                               name);
  const Slot sy = tape.operand(detail::VarAccess::raw_slot(y), detail::VarAccess::generation(y),
                               name);
  if (tape.plain() && (sx | sy) != 0) [[likely]] {
    return detail::VarAccess::make(out, tape.push(sx, d_out_dx, sy, d_out_dy), tape.generation());
  }
  if ((sx | sy) == 0 || !tape.recording()) return Var::constant(out);
  const Slot slot = detail::record_annotated(tape, out, sx, d_out_dx, sy, d_out_dy, name,
                                             std::numeric_limits<double>::quiet_NaN());
  if (slot == detail::kNoSlot) [[unlikely]] tape.fail_grow();
  return detail::VarAccess::make(out, slot, tape.generation());
}

/// Applies a gate of the table (or a user's gate struct of the same shape) to Vars.
template <gates::UnaryGate G>
Var apply(const Var& x) {
  const double out = G::forward(x.value());
  return record(out, x, G::local_grad(x.value(), out), G::name);
}

template <gates::ParametricGate G>
Var apply(const Var& x, double c) {
  const double out = G::forward(x.value(), c);
  return record(out, x, G::local_grad(x.value(), c, out), G::name, c);
}

template <gates::BinaryGate G>
Var apply(const Var& x, const Var& y) {
  const double out = G::forward(x.value(), y.value());
  const gates::Partials p = G::local_grad(x.value(), y.value(), out);
  return record(out, x, p.dx, y, p.dy, G::name);
}

}  // namespace gradflow
