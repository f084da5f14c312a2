#pragma once
// to_dot's writer, for a front end that knows more about a step's inputs than the tape does
// (private to src/viz). The tape gives a step's inputs as slots, and a leaf tensor has none (it
// lives outside the tape, Note [Tensors on the tape]), so only the tensor layer can say what
// such an input is.

#include <gradflow/viz/dot.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace gradflow::viz {

/// A step's input that is not on the tape, as a diagram shows it.
struct OffTapeTensor {
  bool requires_grad = false;
  std::string shape;  // e.g. "[5,3]"; empty where the step does not know it
};

/// Input k of `step`, where its slot is the sink; nullopt where nothing more is known than that
/// it is a tensor.
using DescribeInput =
    std::function<std::optional<OffTapeTensor>(const BackwardStep& step, std::size_t k)>;

/// to_dot(tape, output, options), drawing the steps' off-tape inputs as `describe` says.
std::string to_dot(const Tape& tape, Slot output, const DotOptions& options,
                   const DescribeInput& describe);

/// The DOT node `id` for a tensor outside the tape (`tensor` unknown: a plain "tensor" box).
std::string off_tape_tensor_node(const std::string& id, const std::optional<OffTapeTensor>& tensor);

}  // namespace gradflow::viz
