#pragma once
/// @file
/// Fused primitives over spans of Var: one tape entry for a whole reduction instead of one per
/// element, with the partial derivatives computed in the same pass as the value. Use them where
/// a loop would record n gates: they cost a small multiple of the plain double loop.

#include <gradflow/scalar/var.hpp>

#include <initializer_list>
#include <span>

namespace gradflow {

/// sum_i x_i (d/dx_i = 1). The sum of nothing is the constant 0.
Var sum(std::span<const Var> xs);

/// prod_i x_i (d/dx_i = product of the others, computed without dividing, so zeros are fine).
/// The product of nothing is the constant 1.
Var prod(std::span<const Var> xs);

/// log sum_i exp(x_i), computed stably around the maximum (d/dx_i = softmax_i). The log-sum-exp
/// of nothing is the constant -inf.
Var log_sum_exp(std::span<const Var> xs);

/// sum_i x_i w_i with constant weights (d/dx_i = w_i). Throws Error if the lengths differ.
Var dot(std::span<const Var> xs, std::span<const double> weights);

/// sum_i log N(y_i | mu, sigma), the normal log-density of the data y, differentiated with
/// respect to mu and sigma:  d/dmu = sum (y_i-mu)/sigma^2,  d/dsigma = sum ((y_i-mu)^2/sigma^3
/// - 1/sigma). Throws Error if sigma is not positive.
Var normal_lpdf(std::span<const double> y, const Var& mu, const Var& sigma);

// A braced list, `sum({x, y, z})`, does not convert to a std::span before C++26; these take it
// directly. A double in the list becomes a leaf, as in `Var x = 2.0`.
inline Var sum(std::initializer_list<Var> xs) { return sum(std::span(xs.begin(), xs.size())); }
inline Var prod(std::initializer_list<Var> xs) { return prod(std::span(xs.begin(), xs.size())); }
inline Var log_sum_exp(std::initializer_list<Var> xs) {
  return log_sum_exp(std::span(xs.begin(), xs.size()));
}

}  // namespace gradflow
