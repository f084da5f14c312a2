#pragma once
/// @file
/// Everything gradflow offers, in one include.
///
/// ```cpp
/// #include <gradflow/gradflow.hpp>
/// using namespace gradflow;
/// Var x = 3.0, y = -4.0;
/// Var f = (x + sigmoid(y)) / (sigmoid(x) + pow(x + y, 2));
/// f.backward();   // x.grad(), y.grad()
/// ```

#include <gradflow/check/gradcheck.hpp>
#include <gradflow/core/error.hpp>
#include <gradflow/core/tape.hpp>
#include <gradflow/gates/table.hpp>
#include <gradflow/scalar/scalar.hpp>
#include <gradflow/tensor/tensor.hpp>
#include <gradflow/viz/viz.hpp>
#include <gradflow/data/data.hpp>
#include <gradflow/nn/nn.hpp>
#include <gradflow/optim/optim.hpp>
