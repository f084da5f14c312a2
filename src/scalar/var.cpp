#include <gradflow/scalar/var.hpp>

#include "consecutive_span.hpp"


#include <cstddef>
#include <iterator>
#include <ostream>
#include <string>

namespace gradflow {

namespace {

// The Vars of a run of leaves recorded at slots first, first + 1, ...: a forward iterator whose
// element i is made on the fly.
struct RunOfLeaves {
  const double* values;
  Slot first;
  std::uint32_t generation;

  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Var;
    using difference_type = std::ptrdiff_t;
    using pointer = const Var*;
    using reference = Var;

    Iterator() = default;
    Iterator(const RunOfLeaves* run, std::size_t i) : run_(run), i_(i) {}
    Var operator*() const {
      return detail::VarAccess::make(run_->values[i_], run_->first + static_cast<Slot>(i_),
                                     run_->generation);
    }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++i_;
      return before;
    }
    bool operator==(const Iterator& other) const { return i_ == other.i_; }

   private:
    const RunOfLeaves* run_ = nullptr;
    std::size_t i_ = 0;
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end(std::size_t count) const { return {this, count}; }
};

}  // namespace

std::vector<Var> Var::leaves(std::span<const double> values) {
  Tape& tape = Tape::current();
  if (!tape.recording()) {
    std::vector<Var> out;
    out.reserve(values.size());
    for (double v : values) out.push_back(constant(v));
    return out;
  }
  const Slot first = tape.push_leaves(values.size());
  // Built by the range constructor from an iterator that makes each leaf, so that every Var is
  // written once: resize() would zero-fill them first, push_back() checks capacity each time,
  // and for 100,000 inputs either cost as much as the rest of the recording.
  const RunOfLeaves run{values.data(), first, tape.generation()};
  std::vector<Var> out(run.begin(), run.end(values.size()));
  if (tape.annotating()) [[unlikely]] {
    for (std::size_t i = 0; i < values.size(); ++i) {
      tape.annotate(first + static_cast<Slot>(i), "leaf", values[i]);
    }
  }
  return out;
}

namespace detail {
void fail_backward_on_constant() {
  fail("backward(): this Var is a constant, so there is no graph to go back through; it was "
       "made with Var() or Var::constant(), computed only from constants, or computed inside a "
       "NoGradGuard. Start from leaves (Var x = 3.0) to get gradients.");
}
}  // namespace detail

Var& Var::set_name(std::string name) {
  if (!is_constant()) {
    Tape& tape = Tape::current();
    tape.set_label(tape.operand(slot_, generation_, "set_name()"), std::move(name));
  }
  return *this;
}

void grads(std::span<const Var> vars, std::span<double> out) {
  if (vars.size() != out.size()) {
    detail::fail("grads(): " + std::to_string(vars.size()) + " Vars but room for " +
                 std::to_string(out.size()) + " gradients; the two spans must have one length");
  }
  const Tape& tape = Tape::current();
  // Inputs made by Var::leaves(): one block of adjoints, checked in the same loop
  // (Note [Checking spans in the caller's loop]).
  detail::ConsecutiveSpan run(tape, vars);
  const std::span<const double> adjoints = tape.adjoints();
  const Slot first = run.candidate_first();
  if (first != 0 && first <= adjoints.size() && vars.size() <= adjoints.size() - first) {
    for (std::size_t i = 0; i < vars.size(); ++i) {
      out[i] = adjoints[first + i];
      run.see(i);
    }
    if (run.first_slot() != 0) return;
  }
  // What Var::grad() does for each, with the tape looked up once.
  for (std::size_t i = 0; i < vars.size(); ++i) {
    const Var& v = vars[i];
    out[i] = v.is_constant() ? 0.0
                             : tape.adjoint(tape.operand(detail::VarAccess::raw_slot(v),
                                                         detail::VarAccess::generation(v),
                                                         "grad()"));
  }
}

std::vector<double> grads(std::span<const Var> vars) {
  std::vector<double> out(vars.size());
  grads(vars, out);
  return out;
}

std::ostream& operator<<(std::ostream& os, const Var& v) { return os << v.value(); }

}  // namespace gradflow
