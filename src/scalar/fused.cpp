#include <gradflow/scalar/fused.hpp>

#include <gradflow/scalar/record.hpp>

#include <cmath>
#include <limits>
#include <string>

namespace gradflow {

namespace {

// Writes the checked operand slots of xs into the tape's n-ary pool and returns where their
// partials go; the caller fills those and then calls finish().
struct NaryRecording {
  Tape& tape;
  std::string_view op;
  std::span<const Var> xs;
  Tape::NaryOperands operands{nullptr, nullptr};
  bool all_constant = true;

  NaryRecording(Tape& t, std::string_view name, std::span<const Var> vars)
      : tape(t), op(name), xs(vars) {
    operands = tape.reserve_nary(xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const Slot s = tape.operand(detail::VarAccess::raw_slot(xs[i]),
                                  detail::VarAccess::generation(xs[i]), op);
      operands.slots[i] = s;
      all_constant = all_constant && s == 0;
    }
  }

  Var finish(double value) {
    if (all_constant) return Var::constant(value);
    const Slot slot = tape.commit_nary(xs.size());
    if (tape.annotating()) [[unlikely]] tape.annotate(slot, op, value);
    return detail::VarAccess::make(value, slot, tape.generation());
  }
};

}  // namespace

Var sum(std::span<const Var> xs) {
  Tape& tape = Tape::current();
  double total = 0.0;
  if (!tape.recording()) {
    for (const Var& x : xs) total += x.value();
    return Var::constant(total);
  }
  NaryRecording rec(tape, "sum", xs);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    total += xs[i].value();
    rec.operands.partials[i] = 1.0;
  }
  return rec.finish(total);
}

Var prod(std::span<const Var> xs) {
  Tape& tape = Tape::current();
  if (!tape.recording()) {
    double p = 1.0;
    for (const Var& x : xs) p *= x.value();
    return Var::constant(p);
  }
  NaryRecording rec(tape, "prod", xs);
  double* partials = rec.operands.partials;
  // partial_i = (x_0 ... x_{i-1}) (x_{i+1} ... x_{n-1}): prefix products forward, then suffix
  // products backward; no division, so a zero factor is handled exactly.
  double prefix = 1.0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    partials[i] = prefix;
    prefix *= xs[i].value();
  }
  double suffix = 1.0;
  for (std::size_t i = xs.size(); i-- > 0;) {
    partials[i] *= suffix;
    suffix *= xs[i].value();
  }
  return rec.finish(prefix);
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
  NaryRecording rec(tape, "log_sum_exp", xs);
  double* partials = rec.operands.partials;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    partials[i] = std::exp(xs[i].value() - shift);
    s += partials[i];
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
  NaryRecording rec(tape, "dot", xs);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    total += xs[i].value() * weights[i];
    rec.operands.partials[i] = weights[i];
  }
  return rec.finish(total);
}

Var normal_lpdf(std::span<const double> y, const Var& mu, const Var& sigma) {
  const double m = mu.value();
  const double s = sigma.value();
  if (s <= 0.0) {
    detail::fail("normal_lpdf: sigma must be positive, got " + std::to_string(s) +
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
