// The backward pass: gradient 1.0 at the output, then every entry in reverse creation order
// multiplies its incoming gradient by the local partials recorded in the forward pass and adds
// (+=) the product into its operands, so gradients sum where a value forks.

#include <gradflow/core/tape.hpp>

#include <algorithm>

namespace gradflow {

namespace {

/// The sweep, over any adjoint buffer. Entries that received no gradient are skipped: besides
/// saving work, it keeps an infinite partial off the path to the output (sqrt at 0, say) from
/// turning an operand's gradient into 0 * inf = NaN.
void sweep(const Tape& tape, Slot output, double* adj) {
  const TapeEntry* entries = tape.entries().data();
  for (Slot i = output; i > 0; --i) {
    const double g = adj[i];
    if (g == 0.0) continue;
    const TapeEntry& e = entries[i];
    if (e.a >= kFirstMarker) [[unlikely]] {
      if (e.a == kStepMarker) {
        tape.step(e).backward(adj);
        continue;
      }
      const NaryRecord& r = tape.nary(e);
      const Slot* slots = tape.nary_slots().data() + r.first;
      const double* partials = tape.nary_partials().data() + r.first;
      for (std::size_t k = 0; k < r.count; ++k) adj[slots[k]] += partials[k] * g;
      continue;
    }
    adj[e.a] += e.da * g;
    adj[e.b] += e.db * g;
  }
}

}  // namespace

void Tape::prepare_adjoints() {
  if (adjoints_.size() < size_) adjoints_.resize(capacity_);
  std::fill(adjoints_.begin() + adjoints_valid_, adjoints_.begin() + size_, 0.0);
  adjoints_valid_ = size_;
}

// Note [Accumulating over backward calls]
// The first pass after zero_grad()/clear() sweeps straight into the adjoints. A later pass on
// the same graph cannot: the intermediates already hold the first pass's gradients, and sweeping
// over them would propagate those again. It sweeps a zeroed scratch buffer and adds the result,
// so every pass contributes exactly its own gradient, as in PyTorch.
void Tape::backward(Slot output, double seed) {
  prepare_adjoints();
  if (!swept_) {
    adjoints_[output] += seed;
    sweep(*this, output, adjoints_.data());
    adjoints_[0] = 0.0;
    swept_ = true;
    flush_persistent(adjoints_.data(), output);
    return;
  }
  scratch_.assign(std::size_t{output} + 1, 0.0);
  scratch_[output] = seed;
  sweep(*this, output, scratch_.data());
  scratch_[0] = 0.0;
  for (Slot i = 1; i <= output; ++i) adjoints_[i] += scratch_[i];
  flush_persistent(scratch_.data(), output);
}

void Tape::flush_persistent(const double* delta, Slot output) {
  for (const Binding& b : persistent_) {
    if (b.slot <= output) b.leaf->grad += delta[b.slot];
  }
}

}  // namespace gradflow
