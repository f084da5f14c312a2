#pragma once
// The seed circuit's plain double code and its hand-written adjoint, shared by
// seed_circuit.cpp (gradflow, double, adjoint) and bare_tape.cpp (the floor).

#include <cmath>

namespace gradflow::bench {

struct SeedResult {
  double f, dx, dy;
};

inline double sig(double v) { return 1.0 / (1.0 + std::exp(-v)); }

/// The notes' staged forward pass of f = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2), then its
/// backward pass written by hand.
inline SeedResult seed_hand_adjoint(double x, double y) {
  const double sigy = sig(y);
  const double num = x + sigy;
  const double sigx = sig(x);
  const double xpy = x + y;
  const double xpysqr = xpy * xpy;
  const double den = sigx + xpysqr;
  const double invden = 1.0 / den;
  const double f = num * invden;
  const double dnum = invden;
  const double dinvden = num;
  const double dden = -1.0 / (den * den) * dinvden;
  const double dsigx = dden;
  const double dxpysqr = dden;
  const double dxpy = 2.0 * xpy * dxpysqr;
  double dx = dxpy;
  double dy = dxpy;
  dx += (1.0 - sigx) * sigx * dsigx;
  dx += dnum;
  const double dsigy = dnum;
  dy += (1.0 - sigy) * sigy * dsigy;
  return {f, dx, dy};
}

}  // namespace gradflow::bench
