// seed-circuit/bare-tape: the seed circuit on the least a tape of gradflow's design can be, as a
// floor for the library's figure (docs/benchmarks.md, "The seed circuit: the floor of a tape").
//
// The same gates (the gate table's forward values and local gradients), the same 9 entries in
// the same order (checked against the library's tape before timing) and the same sweep (the
// carry, the skip of a zero gradient, unit partials on the carry), but none of what makes the
// library safe or general: no thread's tape, no generations to catch a stale Var, no growth, no
// n-ary entries, steps or leaf runs, and a fixed array for entries and adjoints. What the
// library costs beyond this is its checks and generality; what this costs beyond the
// hand-written adjoint is the tape itself: 9 entries written, then swept in a second pass
// through memory.
//
// seed-circuit/bare-tape-lean-sweep: the same entries swept the simplest way, with no tests
// (as Adept's and Stan's sweeps are), to show that the floor is not the library's sweep's.
//
// seed-circuit/bare-statement: the floor of a tape that records its two leaves and the whole
// circuit as one statement (expression templates, as Adept does): the circuit's value and both
// partials as the hand-written adjoint computes them (the least an expression could compute),
// then two leaves and one entry on the bare tape, the library's sweep over those 3 slots, and
// both gradients read. Its time over seed-circuit/adjoint is the least such a tape adds to the
// hand-written adjoint.

#include "seed_circuit.hpp"

#include <bench_common.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace {

using namespace gradflow;

struct BareEntry {
  std::uint32_t a, b;
  double da, db;
};

/// Where an entry's unused operand (a leaf's two, a unary gate's second) points.
enum class Unused {
  sink,  // slot 0, as in the library; its sweep skips it with a test
  self,  // the entry's own slot, whose adjoint the sweep has already read: no test, and no
         // chain of additions into one slot through memory
};

template <Unused U>
struct BareTape {
  std::array<BareEntry, 16> entries;
  std::array<double, 16> adjoints;
  std::uint32_t size = 1;  // slot 0: the sink, as in the library
  std::uint32_t unused() const { return U == Unused::sink ? 0 : size; }
};
using LibraryLayoutTape = BareTape<Unused::sink>;
using LeanTape = BareTape<Unused::self>;

struct BareVar {
  double value;
  std::uint32_t slot;
};

template <class T>
BareVar push(T& t, double value, std::uint32_t a, double da, std::uint32_t b, double db) {
  t.entries[t.size] = {a, b, da, db};
  return {value, t.size++};
}

template <class T>
BareVar leaf(T& t, double value) {
  return push(t, value, t.unused(), 0.0, t.unused(), 0.0);
}

template <class G, class T>
BareVar unary(T& t, BareVar x) {
  const double out = G::forward(x.value);
  return push(t, out, x.slot, G::local_grad(x.value, out), t.unused(), 0.0);
}

template <class G, class T>
BareVar binary(T& t, BareVar x, BareVar y) {
  const double out = G::forward(x.value, y.value);
  const gates::Partials p = G::local_grad(x.value, y.value, out);
  return push(t, out, x.slot, p.dx, y.slot, p.dy);
}

template <class T>
BareVar square(T& t, BareVar x) {
  const double out = gates::PowConst::forward(x.value, 2.0);
  return push(t, out, x.slot, gates::PowConst::local_grad(x.value, 2.0, out), t.unused(), 0.0);
}

// The library's sweep (src/core/backward.cpp) less its markers and leaf runs; a call, as the
// library's is.
[[gnu::noinline]] void sweep(LibraryLayoutTape& t, std::uint32_t output) {
  double* adj = t.adjoints.data();
  std::memset(adj, 0, sizeof(double) * (output + 1));
  adj[output] = 1.0;
  double carry = 0.0;
  for (std::uint32_t i = output; i > 0; --i) {
    const double g = adj[i] + carry;
    adj[i] = g;
    carry = 0.0;
    if (g == 0.0) continue;
    const BareEntry& e = t.entries[i];
    if ((e.a | e.b) == 0) continue;
    const std::uint32_t previous = i - 1;
    if (e.a == previous && e.b != previous) {
      carry = e.da == 1.0 ? g : e.da * g;
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

// The simplest sweep, as Adept's and Stan's are: every entry adds into both operands, with no
// test at all. Its unused operands point at the entry's own slot, so unary entries do not chain
// through additions into the sink (which made this loop slower with the library's layout).
// Differs from the library in one case only: an infinite gradient times a zero partial leaves
// NaN in the entry's own adjoint.
[[gnu::noinline]] void sweep(LeanTape& t, std::uint32_t output) {
  double* adj = t.adjoints.data();
  std::memset(adj, 0, sizeof(double) * (output + 1));
  adj[output] = 1.0;
  for (std::uint32_t i = output; i > 0; --i) {
    const double g = adj[i];
    const BareEntry& e = t.entries[i];
    adj[e.a] += e.da * g;
    adj[e.b] += e.db * g;
  }
}

// Out of line, like the library's with_gradflow in seed_circuit.cpp. The entries are recorded
// in the order the library records `(x + sigmoid(y)) / (sigmoid(x) + pow(x + y, 2))` (GCC
// evaluates the right operand of each operator first); seed_floor checks that they match.
template <class T>
[[gnu::noinline]] bench::SeedResult with_bare_tape(T& t, double x0, double y0) {
  t.size = 1;
  const BareVar x = leaf(t, x0), y = leaf(t, y0);
  const BareVar xpy = binary<gates::Add>(t, x, y);
  const BareVar xpy_squared = square(t, xpy);
  const BareVar den = binary<gates::Add>(t, unary<gates::Sigmoid>(t, x), xpy_squared);
  const BareVar num = binary<gates::Add>(t, x, unary<gates::Sigmoid>(t, y));
  const BareVar f = binary<gates::Div>(t, num, den);
  sweep(t, f.slot);
  return {f.value, t.adjoints[x.slot], t.adjoints[y.slot]};
}

// One entry for the whole circuit: its partials with respect to x and y, as a statement
// recording would write them.
[[gnu::noinline]] bench::SeedResult with_bare_statement(LibraryLayoutTape& t, double x0,
                                                         double y0) {
  t.size = 1;
  const BareVar x = leaf(t, x0), y = leaf(t, y0);
  const bench::SeedResult partials = bench::seed_hand_adjoint(x0, y0);
  const BareVar f = push(t, partials.f, x.slot, partials.dx, y.slot, partials.dy);
  sweep(t, f.slot);
  return {f.value, t.adjoints[x.slot], t.adjoints[y.slot]};
}

/// True when the bare tape holds the library's entries for the same circuit, slot for slot.
bool same_entries_as_the_library(const LibraryLayoutTape& t) {
  new_graph();
  Var x = 3.0, y = -4.0;
  [[maybe_unused]] Var f = (x + sigmoid(y)) / (sigmoid(x) + pow(x + y, 2));
  const Tape& tape = Tape::current();
  if (tape.size() != t.size) return false;
  for (Slot slot = 1; slot < t.size; ++slot) {
    const TapeEntry e = tape.entry(slot);
    const BareEntry& b = t.entries[slot];
    if (e.a != b.a || e.b != b.b || e.da != b.da || e.db != b.db) return false;
  }
  return true;
}

/// Times one floor: `Gradient` records the circuit on a bare tape of type T and sweeps it.
template <class T, bench::SeedResult (*Gradient)(T&, double, double)>
void seed_floor(benchmark::State& state) {
  static T tape;
  const bench::SeedResult first = Gradient(tape, 3.0, -4.0);
  const bench::SeedResult want = bench::seed_hand_adjoint(3.0, -4.0);
  if (!bench::agree(state, std::array{first.f, first.dx, first.dy},
                    std::array{want.f, want.dx, want.dy})) {
    return;
  }
  if constexpr (std::is_same_v<T, LibraryLayoutTape>) {
    // The gate-by-gate floor must hold the library's entries; the statement holds one.
    if constexpr (Gradient == with_bare_tape<LibraryLayoutTape>) {
      if (!same_entries_as_the_library(tape)) {
        state.SkipWithError("the bare tape's entries differ from the library's tape for the "
                            "same circuit (another recording order?): the floor would not be "
                            "comparable");
        return;
      }
    }
  }
  double x = 3.0, y = -4.0;
  for (auto _ : state) {
    bench::opaque(x);
    bench::opaque(y);
    bench::SeedResult r = Gradient(tape, x, y);
    benchmark::DoNotOptimize(r);
  }
}

}  // namespace

BENCHMARK(seed_floor<LibraryLayoutTape, with_bare_tape<LibraryLayoutTape>>)
    ->Name("seed-circuit/bare-tape");
BENCHMARK(seed_floor<LeanTape, with_bare_tape<LeanTape>>)
    ->Name("seed-circuit/bare-tape-lean-sweep");
BENCHMARK(seed_floor<LibraryLayoutTape, with_bare_statement>)->Name("seed-circuit/bare-statement");
