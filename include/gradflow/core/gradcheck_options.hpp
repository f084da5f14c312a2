#pragma once
/// @file
/// The checks that gradcheck (check/) and tensor_gradcheck (tensor/) make of their options,
/// kept here, below both layers, since the tensor layer may not include the check layer.

#include <cstddef>
#include <string_view>

namespace gradflow::detail {

/// Throws Error, its message starting "OP: ", unless `step` is positive and finite, `rtol` and
/// `atol` are non-negative (NaN is neither) and there is at least one input. `step_advice`, when
/// given, is a hint on choosing a step ("1e-6 suits ..."), which the message for a bad step
/// appends after the value it got.
void check_gradcheck_options(const char* op, double step, double rtol, double atol,
                             std::size_t inputs, std::string_view step_advice = {});

}  // namespace gradflow::detail
