#pragma once
// The value of an expression of one leaf x, and d/dx, each on a fresh graph.

#include <gradflow/gradflow.hpp>

namespace gradflow {

struct ValueAndGrad {
  double value;
  double grad;
};

template <class F>
ValueAndGrad value_and_grad_at(double x0, F f) {
  new_graph();
  Var x = x0;
  Var out = f(x);
  out.backward();
  return {out.value(), x.grad()};
}

}  // namespace gradflow
