#pragma once
/// @file
/// The tensor layer in one include: Tensor, its operations with gradients, Var mixing and
/// tensor gradient checks.

#include <gradflow/tensor/gradcheck.hpp>
#include <gradflow/tensor/ops.hpp>
#include <gradflow/tensor/tensor_type.hpp>
#include <gradflow/tensor/var_bridge.hpp>
