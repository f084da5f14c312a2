#pragma once
// Whether a span of Vars is a run of consecutive slots of the current graph, as Var::leaves()
// makes them. Fused primitives then record the run as its first slot (Note [Compact n-ary
// records] in tape.hpp) and grads() copies a block of adjoints.
//
// Note [Checking spans in the caller's loop]
// Checking every Var is not optional (a stale one must throw), but it need not cost a pass of
// its own: see(i) is two integer operations on a word the caller's loop over the values loads
// anyway, and those loops are bound by their floating-point latency. A mismatch anywhere sends
// the caller to the general path, which checks each Var and reports the first bad one.

#include <gradflow/scalar/var.hpp>

#include <cstdint>
#include <span>

namespace gradflow::detail {

class ConsecutiveSpan {
 public:
  ConsecutiveSpan(const Tape& tape, std::span<const Var> xs) : xs_(xs) {
    if (xs.empty()) return;
    const Slot first = VarAccess::raw_slot(xs[0]);
    if (first == 0 || VarAccess::generation(xs[0]) != tape.generation() ||
        xs.size() > tape.size() - first) {
      return;
    }
    first_ = first;
    expected_ = VarAccess::node_key(xs[0]);
    mismatch_ = 0;
  }

  /// The slot the run would start at (0 when xs[0] already rules a run out).
  Slot candidate_first() const noexcept { return first_; }
  /// Accumulates element i's check.
  void see(std::size_t i) noexcept { mismatch_ |= VarAccess::node_key(xs_[i]) ^ (expected_ + i); }
  /// After see() for every element: the run's first slot, or 0 if the span is not a run.
  Slot first_slot() const noexcept { return mismatch_ == 0 ? first_ : 0; }

 private:
  std::span<const Var> xs_;
  Slot first_ = 0;
  std::uint64_t expected_ = 0;
  std::uint64_t mismatch_ = 1;
};

}  // namespace gradflow::detail
