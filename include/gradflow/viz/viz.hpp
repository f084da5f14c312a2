#pragma once
/// @file
/// Drawing graphs: DOT text for any recorded computation (a Var or a Tensor output), and
/// rendering it with Graphviz.

#include <gradflow/viz/dot.hpp>
#include <gradflow/viz/render.hpp>
#include <gradflow/viz/tensor_dot.hpp>
