#pragma once
/// @file
/// What a gate is. A gate is a struct with its name, its forward function and its local
/// gradient side by side, plus the domain its tests sample from. The same struct drives Var,
/// the command line's function names, diagram labels and the test that gradchecks every gate.
///
/// Three shapes of gate:
/// - unary:      forward(x) and local_grad(x, out) -> d out/dx
/// - parametric: a unary gate with a constant c, forward(x, c), local_grad(x, c, out)
/// - binary:     forward(x, y) and local_grad(x, y, out) -> {d out/dx, d out/dy}
/// `out` is the forward result, passed in so that a gradient can reuse it (exp, sigmoid, tanh).

#include <concepts>
#include <string_view>

namespace gradflow::gates {

/// The two local partial derivatives of a binary gate.
struct Partials {
  double dx;
  double dy;
};

/// Where a gate's argument is sampled for gradient checks: uniform on [lo, hi], or with
/// `either_sign`, uniform magnitude on [lo, hi] with a random sign (to keep away from a pole or a
/// kink at 0).
struct Domain {
  double lo;
  double hi;
  bool either_sign = false;
};

/// Descriptive fields every gate has.
template <class G>
concept Gate = requires {
  { G::name } -> std::convertible_to<std::string_view>;    // function name, as users call it
  { G::symbol } -> std::convertible_to<std::string_view>;  // label in diagrams and traces
};

template <class G>
concept UnaryGate = Gate<G> && requires(double x, double out) {
  { G::forward(x) } -> std::same_as<double>;
  { G::local_grad(x, out) } -> std::same_as<double>;
  { G::domain } -> std::convertible_to<Domain>;
};

template <class G>
concept ParametricGate = Gate<G> && requires(double x, double c, double out) {
  { G::forward(x, c) } -> std::same_as<double>;
  { G::local_grad(x, c, out) } -> std::same_as<double>;
  { G::domain } -> std::convertible_to<Domain>;
  { G::param_domain } -> std::convertible_to<Domain>;
};

template <class G>
concept BinaryGate = Gate<G> && requires(double x, double y, double out) {
  { G::forward(x, y) } -> std::same_as<double>;
  { G::local_grad(x, y, out) } -> std::same_as<Partials>;
  { G::domain_x } -> std::convertible_to<Domain>;
  { G::domain_y } -> std::convertible_to<Domain>;
};

/// A compile-time list of gates.
template <class... Gs>
struct GateList {
  static constexpr std::size_t size = sizeof...(Gs);
  /// True when G is one of the list's gates.
  template <class G>
  static constexpr bool contains = (std::same_as<G, Gs> || ...);
  /// Calls f.template operator()<G>() for every gate G, in order.
  template <class F>
  static constexpr void for_each(F&& f) {
    (f.template operator()<Gs>(), ...);
  }
};

}  // namespace gradflow::gates
