#pragma once
/// @file
/// The staged computation the backprop notes write by hand, read off the tape: one forward line
/// per gate in creation order (`#3 sigx = sigmoid(x) = 0.952574`), then the backward lines in
/// reverse order, each operand's gradient as local gradient × upstream gradient, with `+=`
/// where a value forks and its gradients add up.
///
/// Intermediate values get short names built from their inputs, as the notes name them (sigx,
/// xpy, xpysqr); a name that would be long becomes t<gate number>, and the output is f.

#include <gradflow/core/tape.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace gradflow::cli {

struct ForwardLine {
  std::size_t gate = 0;  // 1-based gate number, in creation order (inputs are not gates)
  std::string name;      // e.g. "sigx"
  std::string op;        // the gate's name in the table, e.g. "sigmoid"
  std::string formula;   // e.g. "sigmoid(x)"
  double value = 0.0;
};

struct BackwardLine {
  std::size_t gate = 0;   // the gate whose backward step this is
  std::string target;     // the operand receiving gradient, e.g. "x"
  bool accumulate = false;  // "+=": the operand already got gradient from a later gate
  double local = 0.0;     // d gate / d operand
  double upstream = 0.0;  // the gate's own gradient
  double result = 0.0;    // local × upstream
};

struct Trace {
  std::vector<std::pair<std::string, double>> inputs;  // the leaves the output depends on
  std::vector<ForwardLine> forward;
  std::vector<BackwardLine> backward;  // in the order the backward pass runs
  std::string output;                  // the output's name
  bool has_backward = false;           // a backward pass reached the output
};

/// Reads the trace of `output` off `tape` (recorded with annotation on). A constant output (slot
/// 0) has an empty trace.
Trace trace(const Tape& tape, Slot output);

/// The trace as text, for people.
std::string format(const Trace& trace);

}  // namespace gradflow::cli
