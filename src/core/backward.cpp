// The backward pass: gradient 1.0 at the output, then every entry in reverse creation order
// multiplies its incoming gradient by the local partials recorded in the forward pass and adds
// (+=) the product into its operands, so gradients sum where a value forks.

#include <gradflow/core/tape.hpp>

#include <algorithm>
#include <span>

namespace gradflow {

namespace {

/// adj[first + k] += partials[k] * g (or += g when partials is null) for k < count.
void add_scaled(double* __restrict dst, const double* __restrict partials, std::size_t count,
                double g) {
  if (partials == nullptr) {
    for (std::size_t k = 0; k < count; ++k) dst[k] += g;
  } else {
    for (std::size_t k = 0; k < count; ++k) dst[k] += partials[k] * g;
  }
}

/// An n-ary entry's backward (Note [Compact n-ary records]).
void sweep_nary(const Tape& tape, const TapeEntry& e, double g, double* adj) {
  const NaryRecord& r = tape.nary(e);
  const double* partials =
      r.unit_partials ? nullptr : tape.nary_partials().data() + r.partial_offset;
  if (r.consecutive) {
    add_scaled(adj + r.first_slot, partials, r.count, g);
    return;
  }
  const Slot* slots = tape.nary_slots().data() + r.slot_offset;
  if (partials == nullptr) {
    for (std::size_t k = 0; k < r.count; ++k) adj[slots[k]] += g;
  } else {
    for (std::size_t k = 0; k < r.count; ++k) adj[slots[k]] += partials[k] * g;
  }
}

/// The leaf runs at or below the slot being swept, from the top down (Note [Leaf runs] in
/// tape.hpp): the sweep jumps from `top` to below `first`.
class RunsBelow {
 public:
  RunsBelow(std::span<const Tape::LeafRun> runs, Slot output)
      : runs_(runs),
        next_(static_cast<std::size_t>(
            std::upper_bound(runs.begin(), runs.end(), output,
                             [](Slot s, const Tape::LeafRun& r) { return s < r.first; }) -
            runs.begin())) {
    advance();
    top = std::min(top, output);  // a backward from inside a run jumps at once
  }
  /// Moves to the next run down; top is 0 (a slot never swept) when there is none.
  void advance() {
    if (next_ == 0) {
      top = 0;
      return;
    }
    --next_;
    top = runs_[next_].last;
    first = runs_[next_].first;
  }
  Slot top = 0, first = 0;

 private:
  std::span<const Tape::LeafRun> runs_;
  std::size_t next_;
};

/// The sweep, over any adjoint buffer. Entries that received no gradient are skipped: besides
/// saving work, it keeps an infinite partial off the path to the output (sqrt at 0, say) from
/// turning an operand's gradient into 0 * inf = NaN.
///
/// Note [Skipping the sink]
/// Slot 0 only collects what nobody reads (a leaf's two operands, a unary gate's second, a
/// constant operand) and is zeroed after the sweep. Adding into it anyway chains every such entry
/// to the previous one through a store to slot 0 and its reload; a test of the slot is cheaper,
/// and predictable. A leaf (both operands 0) is left at once, and a run of leaves is jumped
/// over (Note [Leaf runs] in tape.hpp).
///
/// Note [The carry]
/// Most entries feed the entry just before them (x = f(x) in a loop, s += x, every chain): slot
/// i-1 is read by the very next iteration right after entry i added into it, so each step would
/// wait for a store to reach the next load. Entry i's contribution to slot i-1 is instead kept in
/// a register (`carry`) and added when the loop reads slot i-1. It is the last contribution that
/// slot receives (every later entry was swept before), so the sum is formed in the same order as
/// with the store: the results are bit for bit the same. An entry with both operands at i-1
/// (x * x) keeps the two stores, which fixes that order too.
///
/// Note [Unit partials on the carry]
/// The carry makes the sweep of a loop one chain of dependent steps, each a multiplication by
/// the entry's partial and an addition. An add's partial is 1, and multiplying by it still
/// costs the multiplication's latency on that chain; a branch on the partial (predictable: a
/// loop records the same gate again and again) skips it. The product by 1.0 is exact, so the
/// results are the same. A sum loop's sweep: 2.07 -> 1.78 ns per entry.
void sweep(const Tape& tape, Slot output, double* adj) {
  const TapeEntry* entries = tape.raw_entries();
  RunsBelow run(tape.leaf_runs(), output);
  double carry = 0.0;
  for (Slot i = output; i > 0; --i) {
    const double g = adj[i] + carry;  // carry is 0.0 unless entry i+1 fed slot i
    adj[i] = g;
    carry = 0.0;
    if (i == run.top) {  // leaves down to run.first: nothing to propagate, no entries to read
      i = run.first;     // the loop's --i steps below the run
      run.advance();
      continue;
    }
    if (g == 0.0) continue;
    const TapeEntry& e = entries[i];
    if (Tape::is_leaf(e)) continue;  // nothing to propagate
    if (e.a >= kFirstMarker) [[unlikely]] {
      if (e.a == kStepMarker) {
        tape.step(e).backward(adj);
      } else {
        sweep_nary(tape, e, g, adj);
      }
      continue;
    }
    const Slot previous = i - 1;
    if (e.a == previous && e.b != previous) {
      carry = e.da == 1.0 ? g : e.da * g;  // Note [Unit partials on the carry]
    } else if (e.a != 0) {
      adj[e.a] += e.da * g;
    }
    if (e.b == previous && e.a != previous) {
      carry = e.db == 1.0 ? g : e.db * g;
    } else if (e.b != 0) {
      adj[e.b] += e.db * g;
    }
  }
}

}  // namespace

void Tape::prepare_adjoints() {
  const std::size_t size = this->size();
  if (adjoints_.size() < size) adjoints_.resize(capacity_);
  std::fill(adjoints_.begin() + adjoints_valid_, adjoints_.begin() + size, 0.0);
  adjoints_valid_ = static_cast<Slot>(size);
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
    if (side_records_ && !isolated_) flush_persistent(adjoints_.data(), output);
    return;
  }
  scratch_.assign(std::size_t{output} + 1, 0.0);
  scratch_[output] = seed;
  sweep(*this, output, scratch_.data());
  scratch_[0] = 0.0;
  for (Slot i = 1; i <= output; ++i) adjoints_[i] += scratch_[i];
  if (side_records_ && !isolated_) flush_persistent(scratch_.data(), output);
}

void Tape::flush_persistent(const double* delta, Slot output) {
  for (const Binding& b : persistent_) {
    if (b.slot <= output) b.leaf->grad += delta[b.slot];
  }
}

}  // namespace gradflow
