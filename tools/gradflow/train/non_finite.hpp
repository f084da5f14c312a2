#pragma once
/// @file
/// Finding where a model went non-finite (NaN or infinite), for `gradflow train` and `gradflow
/// eval`, which then exit with status 3 (as `gradflow grad` does) instead of reporting success.

#include <gradflow/nn/module.hpp>

#include <optional>
#include <string>

namespace gradflow::cli {

/// The name of the first parameter of `model` (as in named_parameters()) holding a NaN or an
/// infinity; none if all are finite.
std::optional<std::string> first_non_finite_parameter(const nn::Module& model);

/// Throws Error naming `file` and the first parameter of `model` (loaded from `file`) that holds
/// a NaN or an infinity: such a model (a diverged run saved by an older gradflow, or a file
/// written elsewhere) is bad input, to train from as to evaluate.
void require_finite_parameters(const nn::Module& model, const std::string& file);

}  // namespace gradflow::cli
