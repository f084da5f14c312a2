#pragma once
/// @file
/// The circuit diagram of a recorded graph, as Graphviz DOT text: inputs on the left, the
/// output on the right, one node per gate labelled with the gate's symbol, and on every wire the
/// forward value (green) and, once backward() has run, the gradient flowing back along that wire
/// (red), as the backprop notes draw their circuits.
///
/// ```cpp
/// gradflow::AnnotateGuard annotate;             // keep gate names and values for drawing
/// Var x = 3.0, y = -4.0;
/// x.set_name("x"); y.set_name("y");
/// Var f = (x + sigmoid(y)) / (sigmoid(x) + pow(x + y, 2));
/// f.backward();
/// std::string dot = gradflow::to_dot(f);        // render with gradflow::render(dot, "f.png")
/// ```
///
/// What the drawing shows:
/// - inputs (leaves) as bold names, parameters (Param) as double-bordered boxes, constants as
///   grey dashed boxes, gates as circles, tensor operations (BackwardStep entries) as rounded
///   boxes with their label() (operation and shape);
/// - each wire carries the value of its source and the gradient that flows back along it:
///   local gradient × the consumer's gradient. Where a value forks, its wires carry the parts
///   and the node's gradient is their sum (shown under each input's name);
/// - node ids are tape slots (creation order), so the same computation gives the same text,
///   byte for byte: the output can be golden-tested.
///
/// Note [Drawing without annotation]
/// Gate names and forward values are kept only while an AnnotateGuard is alive (they cost
/// memory on every recorded operation). A graph recorded without one is still drawn, from the
/// tape's structure alone: gates are labelled with their slot ("#5"), wires carry no values but
/// still carry gradients after backward(), and the diagram's title says to record inside
/// gradflow::AnnotateGuard to see the rest. to_dot never throws for this.

#include <gradflow/core/tape.hpp>
#include <gradflow/scalar/var.hpp>

#include <string>
#include <string_view>

namespace gradflow {

/// The annotation op of a leaf that stands for a literal constant (a front end marks it with
/// Tape::annotate(slot, kConstantOp, value)): drawn as a constant, with its value.
inline constexpr std::string_view kConstantOp = "const";

/// How to_dot draws.
struct DotOptions {
  /// A line drawn above the diagram (e.g. the expression); none when empty.
  std::string title;
  /// Draw gradients (red) when a backward pass has reached the output.
  bool gradients = true;
  /// Significant digits of the numbers on the wires.
  int digits = 3;
  /// Name at the end of the output wire; the output's set_name() label when empty, else "out".
  std::string output_name;
  /// A one-line key under the title: "value (green) forward, gradient (red) backward"; for a
  /// graph of tensor operations, what its boxes are, and the colours only of what is drawn.
  bool legend = true;
};

/// The circuit that computed `output`, from the calling thread's tape: only the nodes `output`
/// depends on. A constant output gives a one-node diagram. Throws Error if `output` belongs to a
/// graph that is no longer current (see new_graph()).
std::string to_dot(const Var& output, const DotOptions& options = {});

/// The same for any slot of `tape`: the entry point for outputs that are not a Var (a tensor
/// operation's slot).
std::string to_dot(const Tape& tape, Slot output, const DotOptions& options = {});

}  // namespace gradflow
