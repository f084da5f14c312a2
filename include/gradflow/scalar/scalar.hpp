#pragma once
/// @file
/// The scalar layer: Var, its operations, Param and the fused span primitives.

#include <gradflow/scalar/fused.hpp>
#include <gradflow/scalar/ops.hpp>
#include <gradflow/scalar/param.hpp>
#include <gradflow/scalar/record.hpp>
#include <gradflow/scalar/var.hpp>
