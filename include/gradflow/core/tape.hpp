#pragma once
/// @file
/// The tape: this thread's record of a computation, in creation order, and the backward pass
/// over it. Everything above (Var, Param, the fused span primitives) records here.
///
/// Note [Why the tape looks like this]
/// Every recorded operation gets one slot; slot i's entry says how the adjoint of slot i flows
/// into at most two operand slots, scaled by local partial derivatives that the forward pass
/// already computed. Creation order is a topological order, so backward is a reverse loop: no
/// recursion (a 10-million-gate chain is fine), no sort, no hash map. An entry is 24 bytes and
/// an adjoint 8, so a recorded operation costs 32 bytes. Slot 0 is a sink: a unary entry sends
/// its unused second operand there, and so does a constant operand, which keeps the loop free of
/// branches on arity. Operations with more operands (sum of a span, ...) keep their operands in a
/// side pool and are marked in the entry.

#include <gradflow/core/error.hpp>
#include <gradflow/core/uninitialized_allocator.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gradflow {

/// Index of a value on a tape. Slot 0 is the sink (and the slot of every constant).
using Slot = std::uint32_t;

/// One recorded operation: adj[a] += da * adj[self], adj[b] += db * adj[self].
struct TapeEntry {
  Slot a;
  Slot b;
  double da;
  double db;
};
static_assert(sizeof(TapeEntry) == 24, "a tape entry must stay 24 bytes (32 with its adjoint)");

/// Entry markers in operand `a`: an entry with more than two operands (`b` indexes its
/// NaryRecord), or one whose backward is code (`b` indexes its BackwardStep).
inline constexpr Slot kNaryMarker = std::numeric_limits<Slot>::max();
inline constexpr Slot kStepMarker = std::numeric_limits<Slot>::max() - 1;
inline constexpr Slot kFirstMarker = kStepMarker;

/// The backward of an operation that is code rather than partials: a tensor operation, or a
/// bridge between tensors and scalars. It runs when its slot's adjoint is nonzero.
///
/// Note [Slots of steps]
/// A step's values and gradients live outside the tape (a tensor keeps its own); its slot's
/// adjoint only says whether any gradient reached it. Whoever gives a step's output gradient (a
/// consumer step, or backward(upstream) on a tensor) marks the producer's slot by adding 1 to its
/// adjoint, so the sweep runs exactly the steps on the path to the output and skips the others.
class BackwardStep {
 public:
  virtual ~BackwardStep() = default;
  /// Propagates this operation's output gradient into its inputs; `adjoints` is the buffer
  /// being swept (scalar adjoints, and the reached-marks of other steps' slots).
  virtual void backward(double* adjoints) = 0;
  /// The operation's name, for diagrams and errors.
  virtual std::string_view name() const = 0;
  /// A longer label for diagrams (a tensor step adds its shape); the name by default.
  virtual std::string label() const { return std::string(name()); }
  /// The slots this step reads from (its inputs' slots), for drawing the graph; the sink (0)
  /// stands for an input that is not on the tape.
  virtual std::vector<Slot> inputs() const { return {}; }

  /// An input that is not on the tape, as a diagram shows it.
  struct OffTapeInput {
    bool requires_grad = false;
    std::string shape;  // e.g. "[5,3]"; empty where the step does not keep it
  };
  /// What the step knows of its input k where inputs() gives the sink: for a tensor step, a leaf
  /// tensor (which lives outside the tape) or a tensor that needs no gradient. Nullopt, the
  /// default, where it knows nothing more than that there is an input.
  virtual std::optional<OffTapeInput> off_tape_input(std::size_t /*k*/) const {
    return std::nullopt;
  }
};

/// Operands of one n-ary entry.
///
/// Note [Compact n-ary records]
/// In general each operand has its slot in the tape's slot pool and its partial in the partial
/// pool. Two common cases store less, and sweep as plain vector loops: operands that are
/// consecutive slots (a span made by Var::leaves(), or any run recorded in order) keep only the
/// first slot, and partials that are all 1 (a sum) are not stored at all.
struct NaryRecord {
  std::size_t count = 0;
  std::size_t slot_offset = 0;     // into nary_slots(); unused when `consecutive`
  std::size_t partial_offset = 0;  // into nary_partials(); unused when `unit_partials`
  Slot first_slot = 0;             // the first operand's slot when `consecutive`
  bool consecutive = false;
  bool unit_partials = false;

  /// Operand k's slot.
  Slot slot(std::span<const Slot> pool, std::size_t k) const {
    return consecutive ? first_slot + static_cast<Slot>(k) : pool[slot_offset + k];
  }
  /// Operand k's partial derivative.
  double partial(std::span<const double> pool, std::size_t k) const {
    return unit_partials ? 1.0 : pool[partial_offset + k];
  }
};

/// A leaf that outlives graphs (the state behind Param): its gradient accumulates across the
/// backward passes of every graph it took part in.
struct PersistentLeaf {
  double value = 0.0;
  double grad = 0.0;
  Slot slot = 0;                 // its slot on the graph it was last bound to
  std::uint32_t generation = 0;  // that graph's generation
};

/// What the tape keeps about a slot when annotation is on (see AnnotateGuard): enough to draw
/// the circuit and print the staged forward and backward pass.
struct SlotAnnotation {
  std::string_view op;  // gate name ("leaf", "mul", "sigmoid", ...); static storage
  double value = 0.0;   // forward value
  double param = std::numeric_limits<double>::quiet_NaN();  // the constant of a parametric gate
  std::string label;    // user-given name, e.g. "x"
};

/// This thread's graph. Obtain it with Tape::current(); Var and Param use it implicitly.
class Tape {
 public:
  Tape();
  ~Tape();
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  /// The tape of the calling thread (created on first use).
  static Tape& current();

  // ---- recording ---------------------------------------------------------------------------

  /// Records an operation with two operands and returns its slot.
  Slot push(Slot a, double da, Slot b, double db) {
    if (size_ == capacity_) [[unlikely]] {  // Note [No exceptions out of a returning cold call]
      if (!try_grow()) fail_grow();
    }
    entries_[size_] = TapeEntry{a, b, da, db};
    return static_cast<Slot>(size_++);
  }
  /// Records an operation with one operand.
  Slot push(Slot a, double da) { return push(a, da, 0, 0.0); }
  /// Records a leaf (an input whose gradient is wanted).
  Slot push_leaf() { return push(0, 0.0, 0, 0.0); }
  /// Records `count` leaves at once and returns the first slot; they are consecutive.
  Slot push_leaves(std::size_t count);
  /// Note [Leaf runs]
  /// A leaf propagates nothing, so push_leaves() writes no entries for a run of leaves: it
  /// notes the run's first and last slot, and the sweep jumps from the run's top to below it,
  /// reading none of its entries and no adjoint below its top. 100,000 inputs cost one step,
  /// and no 2.4 MB of zeroed entries (that memset was a sixth of a fused prod's gradient). The
  /// entries of a run hold whatever the memory held: read entries through entry(), which knows
  /// the runs.
  struct LeafRun {
    Slot first;
    Slot last;
  };
  /// The runs of push_leaves(), in slot order.
  std::span<const LeafRun> leaf_runs() const noexcept { return leaf_runs_; }
  /// True for a leaf's entry (and the sink's).
  static bool is_leaf(const TapeEntry& e) noexcept { return (e.a | e.b) == 0; }

  /// Recording an n-ary operation (Note [Compact n-ary records]): write its partials into
  /// reserve_nary_partials(count) unless they are all 1, and its operands' slots into
  /// reserve_nary_slots(count) unless they are consecutive; then commit_nary says which.
  double* reserve_nary_partials(std::size_t count);
  Slot* reserve_nary_slots(std::size_t count);
  struct NaryLayout {
    Slot first_slot = 0;  // nonzero: the operands are slots first_slot, first_slot + 1, ...
    bool unit_partials = false;  // every partial is 1 (none were reserved)
  };
  /// Records the n-ary operation over `count` operands just written as `layout` says.
  Slot commit_nary(std::size_t count, NaryLayout layout);

  /// Throws the error of a recording that could not get memory: Error when the tape holds its
  /// 2^32 operations, else std::bad_alloc. (Note [No exceptions out of a returning cold call].)
  [[noreturn]] void fail_grow() const;

  /// Records an operation whose backward is a BackwardStep (the tape owns it until clear()).
  Slot push_step(std::unique_ptr<BackwardStep> step);
  /// The step of an entry marked kStepMarker.
  BackwardStep& step(const TapeEntry& e) const { return *steps_[e.b]; }

  /// The slot of an operand, checked: a Var of this graph passes; a constant maps to the sink;
  /// a Var of a cleared graph or of another thread's graph throws Error naming `op`.
  Slot operand(Slot slot, std::uint32_t generation, std::string_view op) const {
    if (generation == generation_ && slot < size_) [[likely]] return slot;
    if (generation == 0 && slot == 0) return 0;  // a constant
    fail_stale(op);
  }

  /// Binds a persistent leaf to this graph (once per graph) and returns its slot.
  Slot bind(const std::shared_ptr<PersistentLeaf>& leaf);

  /// False inside a NoGradGuard: operations then compute values and record nothing.
  bool recording() const noexcept { return (mode_ & kNoGrad) == 0; }
  /// Recording, and not annotating: the common case, tested once per operation.
  bool plain() const noexcept { return mode_ == 0; }
  /// Identifies the current graph; changes on clear(). Never 0 (0 marks constants).
  std::uint32_t generation() const noexcept { return generation_; }

  // ---- backward ----------------------------------------------------------------------------

  /// Seeds `seed` at `output` and sweeps the entries in reverse creation order, adding into
  /// adjoints. Adjoints accumulate over calls until zero_grad() or clear().
  void backward(Slot output, double seed = 1.0);
  /// The accumulated gradient of a slot (0 where no backward pass reached it).
  double adjoint(Slot slot) const noexcept {
    return slot != 0 && slot < adjoints_valid_ ? adjoints_[slot] : 0.0;
  }
  /// The adjoints of slots [0, n): every slot a backward pass has covered (empty before one).
  std::span<const double> adjoints() const noexcept { return {adjoints_.data(), adjoints_valid_}; }
  /// Sets every adjoint of this graph to zero; the graph itself stays.
  void zero_grad() noexcept;
  /// Forgets the graph: every Var recorded so far becomes stale. Memory is kept for reuse.
  void clear();
  /// clear(), and gives the memory back to the system.
  void release_memory();

  // ---- isolation (gradient checks) -------------------------------------------------------

  /// Note [Isolated tapes]
  /// A gradient check runs its own backward passes on a nested tape (Tape::Scope), and the
  /// function it checks may use Params or tensors made with requires_grad_() that belong to the
  /// caller. Their gradients outlive graphs, so those passes would add into them: a check run
  /// between a training step's backward() and the optimizer's step() would change the step. On
  /// an isolated tape a backward pass adds only into this graph's Vars and into the leaves that
  /// allow_leaf() names (the check's inputs), as torch.autograd.gradcheck leaves .grad alone.
  void set_isolated(bool isolated) noexcept { isolated_ = isolated; }
  bool isolated() const noexcept { return isolated_; }
  /// Lets backward passes on this isolated tape add into `leaf` (a tensor leaf's gradient cell)
  /// until the graph is cleared.
  void allow_leaf(const void* leaf);
  /// True unless the tape is isolated and `leaf` was not allowed.
  bool allows(const void* leaf) const noexcept { return !isolated_ || allowed(leaf); }

  // ---- inspection --------------------------------------------------------------------------

  /// Number of slots in use, the sink included.
  std::size_t size() const noexcept { return size_; }
  /// Bytes the graph holds now: entries, adjoints and n-ary operands.
  std::size_t bytes_in_use() const noexcept;
  /// Bytes reserved (what the process holds for this tape).
  std::size_t bytes_reserved() const noexcept;
  /// The entry of a slot (a leaf's, all zeros, for a slot of a leaf run).
  TapeEntry entry(Slot slot) const noexcept;
  /// The entries as stored, for the sweep: a slot of a leaf run holds no entry (Note [Leaf
  /// runs]).
  const TapeEntry* raw_entries() const noexcept { return entries_; }
  const NaryRecord& nary(const TapeEntry& e) const { return nary_records_[e.b]; }
  std::span<const Slot> nary_slots() const noexcept { return nary_slots_; }
  std::span<const double> nary_partials() const noexcept { return nary_partials_; }
  /// Operand k of an n-ary entry: its slot and partial derivative.
  struct NaryOperand {
    Slot slot;
    double partial;
  };
  NaryOperand nary_operand(const TapeEntry& e, std::size_t k) const {
    const NaryRecord& r = nary(e);
    return {r.slot(nary_slots_, k), r.partial(nary_partials_, k)};
  }

  // ---- annotation (for drawing and tracing; off by default) -------------------------------

  bool annotating() const noexcept { return (mode_ & kAnnotate) != 0; }
  /// Records what a slot is (called by the recording layer when annotating()).
  void annotate(Slot slot, std::string_view op, double value,
                double param = std::numeric_limits<double>::quiet_NaN());
  /// Gives a slot a name shown in diagrams and traces; a no-op for the sink.
  void set_label(Slot slot, std::string label);
  /// The annotation of a slot, or nullptr when the slot was recorded without annotation.
  const SlotAnnotation* annotation(Slot slot) const noexcept;

  /// Makes a fresh, empty tape current for this thread for the scope's lifetime, and restores
  /// the previous one afterwards: a nested graph that cannot disturb the caller's.
  class Scope {
   public:
    Scope();
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    Tape& tape() noexcept { return *tape_; }

   private:
    std::unique_ptr<Tape> tape_;
    Tape* previous_;
  };

 private:
  friend class NoGradGuard;
  friend class AnnotateGuard;

  // Note [No exceptions out of a returning cold call]
  // The recording path's rare cases (the tape growing, the first tape of a thread) are calls
  // that return into the user's loop; its failures are separate [[noreturn]] calls. A call
  // that returns and may also throw gives the loop an exception edge into the cleanups of the
  // caller's scope (any local std::vector), and with such edges GCC 12 kept the loop's
  // running value (`s` in `s += x`) in memory, a store and a reload on every iteration, and
  // more of the loop's state with it. bench/scalar's loops, recording and backward per
  // operation: sum 5.3 -> 3.8 ns, prod 8.0 -> 3.8, log-sum-exp 5.9 -> 4.6, tanh-layer 5.6 ->
  // 4.6. (Stale Vars and failed growth still throw the same errors, from the noreturn calls.)
  /// Grows the entries (doubling); false when the tape is full or memory ran out.
  bool try_grow() noexcept;
  /// Grows, or throws.
  void grow() {
    if (!try_grow()) fail_grow();
  }
  [[noreturn]] static void fail_stale(std::string_view op);
  void prepare_adjoints();
  bool allowed(const void* leaf) const noexcept;  // allows() on an isolated tape
  void flush_persistent(const double* delta, Slot output);

  TapeEntry* entries_ = nullptr;
  // Note [Counts that no entry aliases]
  // The number of recorded entries is a size_t. As a uint32_t, like an entry's operands, the
  // compiler had to assume that writing an entry might change it and reloaded it for every
  // operation (a chain of store-to-load forwarding); as a pointer to the top entry it needed a
  // subtraction, a shift and a multiplication to turn into the new slot, and operand checks
  // needed a multiplication to turn a slot into a pointer. A size_t is neither: it is the slot.
  std::size_t size_ = 0;      // recorded entries, the sink included
  std::size_t capacity_ = 0;  // reserved entries
  std::uint32_t generation_ = 0;
  // NoGradGuard and AnnotateGuard set these bits; one byte, so that the hot path tests both
  // with one comparison.
  static constexpr std::uint8_t kNoGrad = 1, kAnnotate = 2;
  std::uint8_t mode_ = 0;
  bool swept_ = false;        // a backward pass ran since the last zero_grad()/clear()
  bool side_records_ = false;  // n-ary operands, leaf runs, steps, bindings, annotations or
                               // allowed leaves
  bool isolated_ = false;      // Note [Isolated tapes]

  std::vector<double> adjoints_;
  Slot adjoints_valid_ = 0;  // adjoints_[0, adjoints_valid_) hold this graph's adjoints
  std::vector<double> scratch_;  // the second and later passes sweep here, then add up

  // The n-ary pools grow without zero-filling: reserve_nary's caller writes every element.
  std::vector<Slot, detail::UninitializedAllocator<Slot>> nary_slots_;
  std::vector<double, detail::UninitializedAllocator<double>> nary_partials_;
  std::vector<NaryRecord> nary_records_;

  std::vector<LeafRun> leaf_runs_;
  std::vector<std::unique_ptr<BackwardStep>> steps_;
  // Every binding of a persistent leaf in this graph, with its slot. A leaf can be bound twice
  // in one graph (its cached binding was overwritten by a nested Tape::Scope); both slots then
  // flush, and their sum is the leaf's gradient.
  struct Binding {
    std::shared_ptr<PersistentLeaf> leaf;
    Slot slot;
  };
  std::vector<Binding> persistent_;
  std::vector<SlotAnnotation> annotations_;  // indexed by slot while annotating
  std::vector<const void*> allowed_leaves_;   // Note [Isolated tapes]
};

/// Inside its scope, operations on this thread compute values and record nothing, like
/// torch.no_grad(): the results are constants.
class NoGradGuard {
 public:
  NoGradGuard() : tape_(Tape::current()), previous_(tape_.mode_) { tape_.mode_ |= Tape::kNoGrad; }
  ~NoGradGuard() { tape_.mode_ = previous_; }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  Tape& tape_;
  std::uint8_t previous_;
};

/// Inside its scope, the tape also keeps each slot's gate name and forward value, which
/// to_dot() and traces need. Off by default so that a recorded operation stays 32 bytes.
class AnnotateGuard {
 public:
  AnnotateGuard() : tape_(Tape::current()), previous_(tape_.mode_) {
    tape_.mode_ |= Tape::kAnnotate;
  }
  ~AnnotateGuard() { tape_.mode_ = previous_; }
  AnnotateGuard(const AnnotateGuard&) = delete;
  AnnotateGuard& operator=(const AnnotateGuard&) = delete;

 private:
  Tape& tape_;
  std::uint8_t previous_;
};

namespace detail {
/// The calling thread's current tape; null until first use. constinit keeps access a plain
/// thread-local load (no initialisation wrapper on the hot path).
constinit inline thread_local Tape* current_tape = nullptr;
/// The calling thread's first tape; null when it could not be allocated (Note [No exceptions
/// out of a returning cold call]).
Tape* create_thread_tape() noexcept;
[[noreturn]] void fail_thread_tape();
}  // namespace detail

inline Tape& Tape::current() {
  Tape* tape = detail::current_tape;
  if (tape == nullptr) [[unlikely]] {
    tape = detail::create_thread_tape();
    if (tape == nullptr) detail::fail_thread_tape();
  }
  return *tape;
}

/// Starts a fresh graph on this thread: every Var recorded so far becomes stale (using one is
/// an Error); Params stay valid and keep their accumulated gradients.
inline void new_graph() { Tape::current().clear(); }

/// Sets the gradient of every Var of this thread's graph to zero, keeping the graph.
inline void zero_grad() { Tape::current().zero_grad(); }

}  // namespace gradflow
