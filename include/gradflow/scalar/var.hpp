#pragma once
/// @file
/// Var: a double-precision scalar whose operations are recorded on this thread's tape, so that
/// backward() can send gradients back to every input.

#include <gradflow/core/tape.hpp>

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

namespace gradflow {

class Var;
namespace detail {
struct VarAccess;
}

/// A scalar on the computational graph.
///
/// - `Var x = 3.0;` records a leaf: an input whose gradient backward() will compute.
/// - `Var()` and `Var::constant(c)` are constants: they take part in arithmetic but have no
///   gradient and occupy no tape slot.
/// - Every operation on Vars records one gate on the calling thread's tape.
///
/// A Var is a 16-byte value (its forward value, its slot, its graph's generation); copying it
/// copies the handle, not the graph node. It is valid until its graph is cleared by new_graph();
/// after that, using it in an operation or asking for its gradient throws gradflow::Error,
/// while value() keeps returning the number it holds.
class Var {
 public:
  /// The constant 0.
  Var() noexcept = default;
  /// A new leaf with this value on the calling thread's graph (a constant inside NoGradGuard).
  Var(double value);  // NOLINT(google-explicit-constructor): `Var x = 3.0;` is the point
  /// A constant: used in arithmetic, never differentiated.
  static Var constant(double value) noexcept { return Var(value, 0, 0); }
  /// Leaves for all of `values`, recorded in one step.
  static std::vector<Var> leaves(std::span<const double> values);

  /// The forward value.
  double value() const noexcept { return value_; }
  /// The gradient accumulated into this Var by backward() calls since the graph was started or
  /// zeroed (0 for a constant, and for a Var no backward pass has reached).
  double grad() const;
  /// Seeds gradient 1.0 here and propagates it to every Var this one was computed from.
  /// Calling it again adds the gradients again (accumulation, as in PyTorch).
  void backward() const;

  /// True for constants (no slot, no gradient).
  bool is_constant() const noexcept { return generation_ == 0; }
  /// Names this Var in diagrams and traces (kept while annotation is on; see AnnotateGuard).
  Var& set_name(std::string name);

  Var& operator+=(const Var& other);
  Var& operator-=(const Var& other);
  Var& operator*=(const Var& other);
  Var& operator/=(const Var& other);
  Var& operator+=(double c);
  Var& operator-=(double c);
  Var& operator*=(double c);
  Var& operator/=(double c);

  /// The slot on the tape, checked against the current graph (library use).
  Slot slot(std::string_view op) const { return Tape::current().operand(slot_, generation_, op); }

 private:
  friend struct detail::VarAccess;
  Var(double value, Slot slot, std::uint32_t generation) noexcept
      : value_(value), slot_(slot), generation_(generation) {}

  double value_ = 0.0;
  Slot slot_ = 0;
  std::uint32_t generation_ = 0;
};
static_assert(sizeof(Var) == 16);

namespace detail {
/// Lets the recording functions build Vars from slots, and read them back.
struct VarAccess {
  static Var make(double value, Slot slot, std::uint32_t generation) noexcept {
    return Var(value, slot, generation);
  }
  static Slot raw_slot(const Var& v) noexcept { return v.slot_; }
  static std::uint32_t generation(const Var& v) noexcept { return v.generation_; }
  /// The slot and the generation in one word: which node of which graph this Var is.
  static std::uint64_t node_key(const Var& v) noexcept {
    return std::uint64_t{v.slot_} | std::uint64_t{v.generation_} << 32;
  }
};
}  // namespace detail

// Inline: a leaf is recorded on every gradient's path (the seed circuit makes two per gradient).
inline Var::Var(double value) : value_(value) {
  Tape& tape = Tape::current();
  if (tape.plain()) [[likely]] {
    slot_ = tape.push_leaf();
    generation_ = tape.generation();
    return;
  }
  if (!tape.recording()) return;  // a constant under NoGradGuard
  slot_ = tape.push_leaf();
  generation_ = tape.generation();
  tape.annotate(slot_, "leaf", value);
}

// Inline too: every gradient reads its inputs' gradients.
inline double Var::grad() const {
  if (is_constant()) return 0.0;
  const Tape& tape = Tape::current();
  return tape.adjoint(tape.operand(slot_, generation_, "grad()"));
}

namespace detail {
[[noreturn]] void fail_backward_on_constant();
}

inline void Var::backward() const {
  if (is_constant()) [[unlikely]] detail::fail_backward_on_constant();
  Tape& tape = Tape::current();
  tape.backward(tape.operand(slot_, generation_, "backward()"));
}

/// Gradients of several Vars at once into `out` (same length).
void grads(std::span<const Var> vars, std::span<double> out);
/// Gradients of several Vars at once.
std::vector<double> grads(std::span<const Var> vars);

/// Prints the value.
std::ostream& operator<<(std::ostream& os, const Var& v);

}  // namespace gradflow
