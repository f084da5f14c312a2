#pragma once
// What to_dot(Tensor) shares with the writer behind to_dot(Tape) (private to src/viz).

#include <gradflow/core/tape.hpp>

#include <optional>
#include <string>

namespace gradflow::viz {

/// The DOT node `id` for a tensor outside the tape (BackwardStep::off_tape_input()): a leaf
/// that requires grad, a tensor that needs none, or, unknown, a plain "tensor" box.
std::string off_tape_tensor_node(const std::string& id,
                                 const std::optional<BackwardStep::OffTapeInput>& tensor);

}  // namespace gradflow::viz
