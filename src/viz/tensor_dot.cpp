#include <gradflow/viz/tensor_dot.hpp>

#include "dot_writer.hpp"

#include <gradflow/tensor/impl.hpp>

namespace gradflow {

std::string to_dot(const Tensor& output, const DotOptions& options) {
  const detail::TensorImpl& impl = output.impl();
  Tape& tape = Tape::current();
  if (impl.cell == nullptr || impl.cell->leaf || impl.cell->slot == 0) {
    // Nothing recorded it: draw the tensor alone.
    const std::string name = options.output_name.empty() ? "out" : options.output_name;
    return "digraph gradflow {\n  rankdir=LR;\n" +
           viz::off_tape_tensor_node("n0", BackwardStep::OffTapeInput{impl.cell != nullptr,
                                                                      impl.shape.str()}) +
           "  out [shape=plaintext, label=\"" + name + "\"];\n  n0 -> out;\n}\n";
  }
  // The steps say what their inputs outside the tape are (BackwardStep::off_tape_input).
  const Slot slot = tape.operand(impl.cell->slot, impl.cell->generation, "to_dot");
  return to_dot(tape, slot, options);
}

}  // namespace gradflow
