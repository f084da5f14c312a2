#include <gradflow/scalar/fused.hpp>

#include <gradflow/scalar/record.hpp>

#include "consecutive_span.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <string>

namespace gradflow {

namespace {

// Records one fused operation over xs: the caller computes the value (and the partials, unless
// they are all 1) in its own loop, calling see(i) for each element, then finish(value).
class SpanRecording {
 public:
  SpanRecording(Tape& tape, std::string_view op, std::span<const Var> xs, bool unit_partials)
      : tape_(tape), op_(op), xs_(xs), check_(tape, xs), unit_partials_(unit_partials) {
    if (!unit_partials) partials_ = tape.reserve_nary_partials(xs.size());
  }

  /// Where partial i goes (null when they are all 1).
  double* partials() const noexcept { return partials_; }
  /// Checks element i as the value loop passes it (Note [Checking spans in the caller's loop]).
  void see(std::size_t i) noexcept { check_.see(i); }

  Var finish(double value) {
    Slot first = check_.first_slot();
    if (first == 0 && !check_slots_one_by_one()) return Var::constant(value);
    const Slot slot = tape_.commit_nary(xs_.size(), {first, unit_partials_});
    if (tape_.annotating()) [[unlikely]] tape_.annotate(slot, op_, value);
    return detail::VarAccess::make(value, slot, tape_.generation());
  }

 private:
  // The general path: every operand checked (a stale one throws, naming the op) and its slot
  // written. False when every operand is a constant: then nothing is recorded.
  bool check_slots_one_by_one() {
    Slot* slots = tape_.reserve_nary_slots(xs_.size());
    bool any_var = false;
    for (std::size_t i = 0; i < xs_.size(); ++i) {
      slots[i] = tape_.operand(detail::VarAccess::raw_slot(xs_[i]),
                               detail::VarAccess::generation(xs_[i]), op_);
      any_var = any_var || slots[i] != 0;
    }
    return any_var;
  }

  Tape& tape_;
  std::string_view op_;
  std::span<const Var> xs_;
  detail::ConsecutiveSpan check_;
  bool unit_partials_;
  double* partials_ = nullptr;
};

// Note [Products of all but one]
// prod's partials are partial_i = (x_0 ... x_{i-1}) (x_{i+1} ... x_{n-1}), formed as a prefix
// product times a suffix product: no division, so a zero factor is handled exactly. One chain
// of multiplications each way would run at the multiply's latency, several times slower than
// the loads allow, so the span is cut into kChains pieces whose chains run interleaved; each
// piece's suffix chain starts from the product of the other pieces (itself formed by prefix and
// suffix over the pieces), so its partials come out whole. Returns the product of all.
double products_of_all_but_one(std::span<const Var> xs, double* partials, SpanRecording& rec) {
  constexpr std::size_t kChains = 4;
  const std::size_t n = xs.size();
  std::array<std::size_t, kChains + 1> begin{};
  for (std::size_t c = 0; c <= kChains; ++c) begin[c] = c * n / kChains;
  const std::size_t shortest = n / kChains;  // every piece has this many or one more

  std::array<double, kChains> prefix{1.0, 1.0, 1.0, 1.0};
  const auto forward = [&](std::size_t c, std::size_t i) {
    partials[i] = prefix[c];
    prefix[c] *= xs[i].value();
    rec.see(i);
  };
  for (std::size_t j = 0; j < shortest; ++j) {
    for (std::size_t c = 0; c < kChains; ++c) forward(c, begin[c] + j);
  }
  for (std::size_t c = 0; c < kChains; ++c) {
    for (std::size_t i = begin[c] + shortest; i < begin[c + 1]; ++i) forward(c, i);
  }

  // others[c] = the product of every piece but c (prefix[c] is piece c's product). Each suffix
  // chain starts from it, so one backward pass gives the partials their final value.
  std::array<double, kChains> others{};
  double running = 1.0;
  for (std::size_t c = 0; c < kChains; ++c) {
    others[c] = running;
    running *= prefix[c];
  }
  const double all = running;
  running = 1.0;
  for (std::size_t c = kChains; c-- > 0;) {
    others[c] *= running;
    running *= prefix[c];
  }

  std::array<double, kChains> suffix = others;
  const auto backward = [&](std::size_t c, std::size_t i) {
    partials[i] *= suffix[c];
    suffix[c] *= xs[i].value();
  };
  for (std::size_t c = 0; c < kChains; ++c) {
    for (std::size_t i = begin[c + 1]; i-- > begin[c] + shortest;) backward(c, i);
  }
  for (std::size_t j = shortest; j-- > 0;) {
    for (std::size_t c = 0; c < kChains; ++c) backward(c, begin[c] + j);
  }
  return all;
}

}  // namespace

Var sum(std::span<const Var> xs) {
  Tape& tape = Tape::current();
  double total = 0.0;
  if (!tape.recording()) {
    for (const Var& x : xs) total += x.value();
    return Var::constant(total);
  }
  SpanRecording rec(tape, "sum", xs, /*unit_partials=*/true);
  // Four running sums, added at the end: the loop then runs at the speed of its loads, not at
  // the latency of one chain of additions, and rounds no worse than a single running sum.
  double partial[4] = {0.0, 0.0, 0.0, 0.0};
  const std::size_t n = xs.size();
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (std::size_t k = 0; k < 4; ++k) {
      partial[k] += xs[i + k].value();
      rec.see(i + k);
    }
  }
  for (; i < n; ++i) {
    partial[0] += xs[i].value();
    rec.see(i);
  }
  total = (partial[0] + partial[1]) + (partial[2] + partial[3]);
  return rec.finish(total);
}

Var prod(std::span<const Var> xs) {
  Tape& tape = Tape::current();
  if (!tape.recording()) {
    double p = 1.0;
    for (const Var& x : xs) p *= x.value();
    return Var::constant(p);
  }
  SpanRecording rec(tape, "prod", xs, /*unit_partials=*/false);
  const double value = products_of_all_but_one(xs, rec.partials(), rec);
  return rec.finish(value);
}

Var log_sum_exp(std::span<const Var> xs) {
  double m = -std::numeric_limits<double>::infinity();
  for (const Var& x : xs) m = std::fmax(m, x.value());
  // Shifting by the maximum keeps exp from overflowing; an infinite maximum is not shifted by,
  // so infinities and NaN flow through as IEEE arithmetic has them.
  const double shift = std::isfinite(m) ? m : 0.0;
  Tape& tape = Tape::current();
  double s = 0.0;
  if (!tape.recording()) {
    for (const Var& x : xs) s += std::exp(x.value() - shift);
    return Var::constant(shift + std::log(s));
  }
  SpanRecording rec(tape, "log_sum_exp", xs, /*unit_partials=*/false);
  double* partials = rec.partials();
  for (std::size_t i = 0; i < xs.size(); ++i) {
    partials[i] = std::exp(xs[i].value() - shift);
    s += partials[i];
    rec.see(i);
  }
  const double inv = 1.0 / s;  // d lse/dx_i = exp(x_i - lse) = exp(x_i - shift) / s
  for (std::size_t i = 0; i < xs.size(); ++i) partials[i] *= inv;
  return rec.finish(shift + std::log(s));
}

Var dot(std::span<const Var> xs, std::span<const double> weights) {
  if (xs.size() != weights.size()) {
    detail::fail("dot: " + std::to_string(xs.size()) + " Vars but " +
                 std::to_string(weights.size()) + " weights; the spans must have one length");
  }
  Tape& tape = Tape::current();
  double total = 0.0;
  if (!tape.recording()) {
    for (std::size_t i = 0; i < xs.size(); ++i) total += xs[i].value() * weights[i];
    return Var::constant(total);
  }
  SpanRecording rec(tape, "dot", xs, /*unit_partials=*/false);
  double* partials = rec.partials();
  for (std::size_t i = 0; i < xs.size(); ++i) {
    total += xs[i].value() * weights[i];
    partials[i] = weights[i];
    rec.see(i);
  }
  return rec.finish(total);
}

Var normal_lpdf(std::span<const double> y, const Var& mu, const Var& sigma) {
  const double m = mu.value();
  const double s = sigma.value();
  if (s <= 0.0) {
    detail::fail("normal_lpdf: sigma must be positive, got " + detail::number_str(s) +
                 "; parameterise it as exp(log_sigma) to keep it positive while optimising");
  }
  const double inv_s = 1.0 / s;
  double sum_z = 0.0;
  double sum_z2 = 0.0;
  for (double yi : y) {
    const double z = (yi - m) * inv_s;
    sum_z += z;
    sum_z2 += z * z;
  }
  const double n = static_cast<double>(y.size());
  constexpr double kHalfLog2Pi = 0.91893853320467274178;
  const double value = -0.5 * sum_z2 - n * (std::log(s) + kHalfLog2Pi);
  return record(value, mu, sum_z * inv_s, sigma, (sum_z2 - n) * inv_s, "normal_lpdf");
}

}  // namespace gradflow
