// The tape's bookkeeping: growth, generations, persistent leaves, annotation, scopes.
// The backward sweep itself lives in backward.cpp.

#include <gradflow/core/tape.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iterator>
#include <new>
#include <string>

namespace gradflow {

namespace {

// Note [Generations]
// A Var carries the generation of the graph that recorded it; every clear() gives the tape a
// new one, so a stale Var is caught by one comparison. Generations are unique across threads
// (a Var of another thread's graph is caught the same way) without an atomic per clear(): each
// tape takes a block of them at a time from one global counter. 0 is never handed out; it marks
// constants. After 2^32 generations the counter wraps; operand() also checks the slot against
// the tape's size, so even a stale Var that survived that long can never reach out of bounds.
constexpr std::uint32_t kGenerationBlock = 1024;
std::atomic<std::uint32_t> next_generation_block{1};

struct GenerationSource {
  std::uint32_t next = 0;
  std::uint32_t end = 0;
  std::uint32_t take() {
    if (next == end) {
      next = next_generation_block.fetch_add(kGenerationBlock, std::memory_order_relaxed);
      if (next == 0) next = 1;  // skip the constants' generation after a wrap
      end = next + kGenerationBlock - 1;
    }
    return next++;
  }
};
thread_local GenerationSource generations;

// Owns the thread's tape; on thread exit it also clears the fast-path pointer, so nothing can
// reach the freed tape through it.
struct ThreadTapeOwner {
  std::unique_ptr<Tape> tape;
  ~ThreadTapeOwner() {
    if (detail::current_tape == tape.get()) detail::current_tape = nullptr;
  }
};
thread_local ThreadTapeOwner thread_tape;

constexpr std::size_t kMaxSlots = kFirstMarker;  // slot numbers stay below the markers

}  // namespace

namespace detail {
Tape* create_thread_tape() noexcept {
  try {
    thread_tape.tape = std::make_unique<Tape>();
  } catch (...) {  // only std::bad_alloc: a new tape records just its sink, which cannot fill it
    return nullptr;  // fail_thread_tape() throws it, outside the hot path
  }
  current_tape = thread_tape.tape.get();
  return current_tape;
}

void fail_thread_tape() { throw std::bad_alloc(); }
}  // namespace detail

Tape::Tape() {
  generation_ = generations.take();
  push_leaf();  // slot 0: the sink
}

Tape::~Tape() { std::free(entries_); }

bool Tape::try_grow() noexcept {
  const std::size_t capacity = capacity_;
  if (capacity >= kMaxSlots) return false;
  const std::size_t wanted =
      std::min<std::size_t>(kMaxSlots, std::max<std::size_t>(256, capacity * 2));
  void* grown = std::realloc(entries_, wanted * sizeof(TapeEntry));
  if (grown == nullptr) return false;
  entries_ = static_cast<TapeEntry*>(grown);
  capacity_ = wanted;
  return true;
}

void Tape::fail_grow() const {
  if (capacity_ >= kMaxSlots) {
    detail::fail("gradflow: the graph has reached 2^32 recorded operations, the most one tape "
                 "holds; call gradflow::new_graph() between independent computations");
  }
  throw std::bad_alloc();
}

Slot Tape::push_leaves(std::size_t count) {
  if (count < 2) return count == 1 ? push_leaf() : static_cast<Slot>(size_);
  if (count > kMaxSlots - size_) grow();  // fails with the message above
  while (capacity_ - size_ < count) grow();
  const auto first = static_cast<Slot>(size_);
  // The run first, then the slots: a failed push_back leaves no slots without entries.
  leaf_runs_.push_back(LeafRun{first, static_cast<Slot>(size_ + count - 1)});  // Note [Leaf runs]
  size_ += count;
  side_records_ = true;
  return first;
}

TapeEntry Tape::entry(Slot slot) const noexcept {
  // The last run starting at or below the slot.
  const auto after = std::upper_bound(leaf_runs_.begin(), leaf_runs_.end(), slot,
                                      [](Slot s, const LeafRun& r) { return s < r.first; });
  const bool in_run = after != leaf_runs_.begin() && slot <= std::prev(after)->last;
  return in_run ? TapeEntry{0, 0, 0.0, 0.0} : entries_[slot];
}

double* Tape::reserve_nary_partials(std::size_t count) {
  side_records_ = true;
  const std::size_t first = nary_partials_.size();
  nary_partials_.resize(first + count);
  return nary_partials_.data() + first;
}

Slot* Tape::reserve_nary_slots(std::size_t count) {
  side_records_ = true;
  const std::size_t first = nary_slots_.size();
  nary_slots_.resize(first + count);
  return nary_slots_.data() + first;
}

Slot Tape::commit_nary(std::size_t count, NaryLayout layout) {
  side_records_ = true;
  NaryRecord r;
  r.count = count;
  r.consecutive = layout.first_slot != 0;
  r.first_slot = layout.first_slot;
  r.unit_partials = layout.unit_partials;
  // The operands were the last ones written into each pool the record uses.
  if (!r.consecutive) r.slot_offset = nary_slots_.size() - count;
  if (!r.unit_partials) r.partial_offset = nary_partials_.size() - count;
  nary_records_.push_back(r);
  return push(kNaryMarker, 0.0, static_cast<Slot>(nary_records_.size() - 1), 0.0);
}

Slot Tape::push_step(std::unique_ptr<BackwardStep> step) {
  side_records_ = true;
  steps_.push_back(std::move(step));
  return push(kStepMarker, 0.0, static_cast<Slot>(steps_.size() - 1), 0.0);
}

void Tape::allow_leaf(const void* leaf) {
  allowed_leaves_.push_back(leaf);
  side_records_ = true;  // so that clear() forgets them
}

bool Tape::allowed(const void* leaf) const noexcept {
  return std::find(allowed_leaves_.begin(), allowed_leaves_.end(), leaf) != allowed_leaves_.end();
}

void Tape::fail_stale(std::string_view op) {
  detail::fail(std::string(op) +
               ": this Var belongs to a graph that is no longer current on this thread: it was "
               "recorded before gradflow::new_graph() (or in a Tape::Scope that has ended), by "
               "another thread (each thread records its own graph), or on an outer graph while "
               "a nested one is current (inside gradcheck or a Tape::Scope: pass it to the "
               "checked function as an input). Keep values that must outlive a graph as double "
               "(x.value()) or as a gradflow::Param.");
}

Slot Tape::bind(const std::shared_ptr<PersistentLeaf>& leaf) {
  if (leaf->generation == generation_ && leaf->slot < size()) return leaf->slot;
  const Slot slot = push_leaf();
  leaf->slot = slot;
  leaf->generation = generation_;
  persistent_.push_back(Binding{leaf, slot});
  side_records_ = true;
  return slot;
}

void Tape::zero_grad() noexcept {
  std::fill(adjoints_.begin(), adjoints_.begin() + adjoints_valid_, 0.0);
  swept_ = false;
}

void Tape::clear() {
  size_ = 1;  // keep the sink
  generation_ = generations.take();
  adjoints_valid_ = std::min<Slot>(adjoints_valid_, 1);
  swept_ = false;
  if (!side_records_) return;  // most graphs have none; skipping keeps a tiny graph's clear() cheap
  side_records_ = false;
  nary_slots_.clear();
  nary_partials_.clear();
  nary_records_.clear();
  leaf_runs_.clear();
  steps_.clear();
  persistent_.clear();
  annotations_.clear();
  allowed_leaves_.clear();
}

void Tape::release_memory() {
  clear();
  std::free(entries_);
  entries_ = nullptr;
  size_ = capacity_ = 0;
  push_leaf();
  adjoints_valid_ = 0;
  // Move-assign empty vectors: `v = {}` would pick operator=(initializer_list), which keeps the
  // capacity and so gives nothing back.
  adjoints_ = decltype(adjoints_)();
  scratch_ = decltype(scratch_)();
  nary_slots_ = decltype(nary_slots_)();
  nary_partials_ = decltype(nary_partials_)();
  nary_records_ = decltype(nary_records_)();
  leaf_runs_ = decltype(leaf_runs_)();
  steps_ = decltype(steps_)();
  persistent_ = decltype(persistent_)();
  annotations_ = decltype(annotations_)();
}

std::size_t Tape::bytes_in_use() const noexcept {
  return size() * (sizeof(TapeEntry) + sizeof(double)) +
         nary_slots_.size() * sizeof(Slot) + nary_partials_.size() * sizeof(double) +
         nary_records_.size() * sizeof(NaryRecord) + leaf_runs_.size() * sizeof(LeafRun);
}

std::size_t Tape::bytes_reserved() const noexcept {
  return capacity_ * sizeof(TapeEntry) +
         (adjoints_.capacity() + scratch_.capacity() + nary_partials_.capacity()) *
             sizeof(double) +
         nary_slots_.capacity() * sizeof(Slot) + nary_records_.capacity() * sizeof(NaryRecord) +
         leaf_runs_.capacity() * sizeof(LeafRun);
}

void Tape::annotate(Slot slot, std::string_view op, double value, double param) {
  if (slot == 0) return;
  side_records_ = true;
  if (annotations_.size() <= slot) annotations_.resize(std::size_t{slot} + 1);
  SlotAnnotation& a = annotations_[slot];
  a.op = op;
  a.value = value;
  a.param = param;
}

void Tape::set_label(Slot slot, std::string label) {
  if (slot == 0) return;
  side_records_ = true;
  if (annotations_.size() <= slot) annotations_.resize(std::size_t{slot} + 1);
  annotations_[slot].label = std::move(label);
}

const SlotAnnotation* Tape::annotation(Slot slot) const noexcept {
  if (slot == 0 || slot >= annotations_.size() || annotations_[slot].op.empty()) return nullptr;
  return &annotations_[slot];
}

Tape::Scope::Scope() : tape_(std::make_unique<Tape>()), previous_(&Tape::current()) {
  detail::current_tape = tape_.get();
}

Tape::Scope::~Scope() { detail::current_tape = previous_; }

}  // namespace gradflow
