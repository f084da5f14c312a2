#include <gradflow/viz/tensor_dot.hpp>

#include "dot_writer.hpp"

// TensorStep's input cells say what a leaf input is; BackwardStep's interface gives only its
// slot, which for a leaf is the sink. The viz layer stands above the tensor layer, so reading
// them here keeps the dependency pointing down.
#include "../tensor/autograd.hpp"

#include <gradflow/tensor/impl.hpp>

namespace gradflow {

namespace {

// A tensor step's input k outside the tape: a leaf that requires grad (its cell knows the
// shape), or a tensor that needs no gradient, for which the step keeps no cell and so no shape.
// Other steps (to_var, a user's own) are not described.
std::optional<viz::OffTapeTensor> describe_input(const BackwardStep& step, std::size_t k) {
  const auto* tensor_step = dynamic_cast<const detail::TensorStep*>(&step);
  if (tensor_step == nullptr || k >= tensor_step->in_cells.size()) return std::nullopt;
  const std::shared_ptr<detail::GradCell>& cell = tensor_step->in_cells[k];
  if (cell == nullptr) return viz::OffTapeTensor{false, ""};
  return viz::OffTapeTensor{true, cell->shape.str()};
}

}  // namespace

std::string to_dot(const Tensor& output, const DotOptions& options) {
  const detail::TensorImpl& impl = output.impl();
  Tape& tape = Tape::current();
  if (impl.cell == nullptr || impl.cell->leaf || impl.cell->slot == 0) {
    // Nothing recorded it: draw the tensor alone.
    const std::string name = options.output_name.empty() ? "out" : options.output_name;
    return "digraph gradflow {\n  rankdir=LR;\n" +
           viz::off_tape_tensor_node("n0", viz::OffTapeTensor{impl.cell != nullptr,
                                                              impl.shape.str()}) +
           "  out [shape=plaintext, label=\"" + name + "\"];\n  n0 -> out;\n}\n";
  }
  const Slot slot = tape.operand(impl.cell->slot, impl.cell->generation, "to_dot");
  return viz::to_dot(tape, slot, options, describe_input);
}

}  // namespace gradflow
