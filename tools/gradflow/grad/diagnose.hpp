#pragma once
/// @file
/// Warnings for non-finite results, naming the first gate that produced one and its inputs.

#include "expr/evaluate.hpp"

#include <gradflow/core/tape.hpp>

#include <string>
#include <vector>

namespace gradflow::cli {

/// Warnings for `evaluation` after its backward pass: one if the value is not finite (the first
/// operation, in evaluation order, whose result was NaN or infinite although its inputs were
/// finite), one if a gradient is not finite (the first gate, in backward order, whose local
/// gradient made a finite upstream gradient non-finite). Empty when everything is finite.
std::vector<std::string> non_finite_warnings(const Tape& tape,
                                             const expr::Evaluation& evaluation,
                                             const std::vector<double>& gradients);

}  // namespace gradflow::cli
