#pragma once
/// @file
/// The gate table: every gate gradflow knows, each declared once, its forward function beside
/// its local gradient. Adding a gate means adding a struct here and naming it in the lists at the
/// end; Var, the command line and the gradcheck test pick it up from there.

#include <gradflow/gates/gate.hpp>

#include <cmath>
#include <string_view>

namespace gradflow::gates {

inline constexpr Domain kAnywhere{-3.0, 3.0};
inline constexpr Domain kAwayFromZero{0.5, 3.0, true};
inline constexpr Domain kPositive{0.1, 5.0};

// ---- binary gates --------------------------------------------------------------------------

struct Add {
  static constexpr std::string_view name = "add", symbol = "+";
  static constexpr Domain domain_x = kAnywhere, domain_y = kAnywhere;
  static double forward(double x, double y) { return x + y; }
  // d(x+y)/dx = 1, d(x+y)/dy = 1: add hands the gradient on unchanged
  static Partials local_grad(double, double, double) { return {1.0, 1.0}; }
};

struct Sub {
  static constexpr std::string_view name = "sub", symbol = "-";
  static constexpr Domain domain_x = kAnywhere, domain_y = kAnywhere;
  static double forward(double x, double y) { return x - y; }
  // d(x-y)/dx = 1, d(x-y)/dy = -1
  static Partials local_grad(double, double, double) { return {1.0, -1.0}; }
};

struct Mul {
  static constexpr std::string_view name = "mul", symbol = "*";
  static constexpr Domain domain_x = kAnywhere, domain_y = kAnywhere;
  static double forward(double x, double y) { return x * y; }
  // d(xy)/dx = y, d(xy)/dy = x: multiply swaps its inputs
  static Partials local_grad(double x, double y, double) { return {y, x}; }
};

struct Div {
  static constexpr std::string_view name = "div", symbol = "/";
  static constexpr Domain domain_x = kAnywhere, domain_y = kAwayFromZero;
  static double forward(double x, double y) { return x / y; }
  // d(x/y)/dx = 1/y, d(x/y)/dy = -x/y^2 = -out/y, formed as -out * (1/y)
  //
  // Note [Quotient partials from the reciprocal]
  // As -out / y the second partial needed a second division, and the two divisions sat one
  // after the other on the way from the inputs to the tape (the seed circuit, whose last gate
  // is a division: 67 -> 61 ns); -out * inv needs one multiplication after the forward
  // division. Where 1/y is finite the product is within about an ulp of the quotient. 1/y
  // overflows for |y| < 2^-1024: a zero quotient would then give 0 * inf = NaN where the
  // derivative is 0, so it is multiplied by y's sign instead of by inv. A nonzero quotient
  // gives +-inf there, where -out/y can still be finite (out = 2e-12, y = 5e-309: 4e296); the
  // first partial, 1/y, is inf there too. Choosing the multiplier rather than the division
  // keeps a vectorised tensor loop at one division per element (choosing -out/y made it compute
  // both). A 1e6-element a / b backward: float64 6% faster, float32 9% slower (its partials are
  // formed in double, and the choice costs more there than the division it saves).
  static Partials local_grad(double, double y, double out) {
    const double inv = 1.0 / y;
    return {inv, -out * (out == 0.0 ? std::copysign(1.0, y) : inv)};
  }
};

struct Max {
  static constexpr std::string_view name = "max", symbol = "max";
  static constexpr Domain domain_x = kAnywhere, domain_y = kAnywhere;
  // a NaN in either argument gives NaN (IEEE arithmetic), never the other argument
  static double forward(double x, double y) { return x >= y || std::isnan(x) ? x : y; }
  // d max/dx = 1(x >= y), d max/dy = 1(y >= x): max routes the gradient to the larger input
  // (a tie sends the full gradient to both)
  static Partials local_grad(double x, double y, double) {
    return {x >= y ? 1.0 : 0.0, y >= x ? 1.0 : 0.0};
  }
};

struct Min {
  static constexpr std::string_view name = "min", symbol = "min";
  static constexpr Domain domain_x = kAnywhere, domain_y = kAnywhere;
  // a NaN in either argument gives NaN
  static double forward(double x, double y) { return x <= y || std::isnan(x) ? x : y; }
  // d min/dx = 1(x <= y), d min/dy = 1(y <= x)
  static Partials local_grad(double x, double y, double) {
    return {x <= y ? 1.0 : 0.0, y <= x ? 1.0 : 0.0};
  }
};

struct Pow {
  static constexpr std::string_view name = "pow", symbol = "^";
  static constexpr Domain domain_x = {0.5, 3.0}, domain_y = {-2.0, 2.0};
  static double forward(double x, double y) { return std::pow(x, y); }
  // d x^y/dx = y x^(y-1), d x^y/dy = x^y log x (taken as 0 at x = 0 for y >= 0, where 0^y is
  // flat in y for y > 0, as PyTorch does; for y < 0 it stays inf * -inf = -inf, as PyTorch's)
  static Partials local_grad(double x, double y, double out) {
    const double dx = y == 0.0 ? 0.0 : y * std::pow(x, y - 1.0);
    const double dy = x == 0.0 && y >= 0.0 ? 0.0 : out * std::log(x);
    return {dx, dy};
  }
};

// ---- unary gates ---------------------------------------------------------------------------

struct Neg {
  static constexpr std::string_view name = "neg", symbol = "neg";
  static constexpr Domain domain = kAnywhere;
  static double forward(double x) { return -x; }
  // d(-x)/dx = -1
  static double local_grad(double, double) { return -1.0; }
};

struct Reciprocal {
  static constexpr std::string_view name = "reciprocal", symbol = "1/x";
  static constexpr Domain domain = kAwayFromZero;
  static double forward(double x) { return 1.0 / x; }
  // d(1/x)/dx = -1/x^2 = -out^2
  static double local_grad(double, double out) { return -out * out; }
};

struct Exp {
  static constexpr std::string_view name = "exp", symbol = "exp";
  static constexpr Domain domain = kAnywhere;
  static double forward(double x) { return std::exp(x); }
  // d e^x/dx = e^x = out
  static double local_grad(double, double out) { return out; }
};

struct Log {
  static constexpr std::string_view name = "log", symbol = "log";
  static constexpr Domain domain = kPositive;
  static double forward(double x) { return std::log(x); }
  // d log x/dx = 1/x
  static double local_grad(double x, double) { return 1.0 / x; }
};

struct Sigmoid {
  static constexpr std::string_view name = "sigmoid", symbol = "sigmoid";
  static constexpr Domain domain = {-6.0, 6.0};
  // 1/(1+e^-x), written so that no exp overflows for large |x|
  static double forward(double x) {
    if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));
    const double e = std::exp(x);
    return e / (1.0 + e);
  }
  // d sigma/dx = sigma (1 - sigma) = out (1 - out)
  static double local_grad(double, double out) { return out * (1.0 - out); }
};

struct Tanh {
  static constexpr std::string_view name = "tanh", symbol = "tanh";
  static constexpr Domain domain = kAnywhere;
  static double forward(double x) { return std::tanh(x); }
  // d tanh x/dx = 1 - tanh^2 x = 1 - out^2
  static double local_grad(double, double out) { return 1.0 - out * out; }
};

struct Relu {
  static constexpr std::string_view name = "relu", symbol = "relu";
  static constexpr Domain domain = {0.1, 3.0, true};
  // NaN stays NaN (IEEE arithmetic)
  static double forward(double x) { return x > 0.0 || std::isnan(x) ? x : 0.0; }
  // d relu/dx = 1(x > 0)
  static double local_grad(double x, double) { return x > 0.0 ? 1.0 : 0.0; }
};

struct Sqrt {
  static constexpr std::string_view name = "sqrt", symbol = "sqrt";
  static constexpr Domain domain = kPositive;
  static double forward(double x) { return std::sqrt(x); }
  // d sqrt x/dx = 1/(2 sqrt x) = 0.5/out
  static double local_grad(double, double out) { return 0.5 / out; }
};

struct Abs {
  static constexpr std::string_view name = "abs", symbol = "abs";
  static constexpr Domain domain = {0.1, 3.0, true};
  static double forward(double x) { return std::fabs(x); }
  // d|x|/dx = sign(x), 0 at 0
  static double local_grad(double x, double) { return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : 0.0); }
};

struct Sin {
  static constexpr std::string_view name = "sin", symbol = "sin";
  static constexpr Domain domain = {-4.0, 4.0};
  static double forward(double x) { return std::sin(x); }
  // d sin x/dx = cos x
  static double local_grad(double x, double) { return std::cos(x); }
};

struct Cos {
  static constexpr std::string_view name = "cos", symbol = "cos";
  static constexpr Domain domain = {-4.0, 4.0};
  static double forward(double x) { return std::cos(x); }
  // d cos x/dx = -sin x
  static double local_grad(double x, double) { return -std::sin(x); }
};

// ---- gates with a constant c (mixed arithmetic with plain doubles) ---------------------------

struct AddConst {
  static constexpr std::string_view name = "add_const", symbol = "+c";
  static constexpr Domain domain = kAnywhere, param_domain = kAnywhere;
  static double forward(double x, double c) { return x + c; }
  // d(x+c)/dx = 1
  static double local_grad(double, double, double) { return 1.0; }
};

struct Scale {
  static constexpr std::string_view name = "scale", symbol = "*c";
  static constexpr Domain domain = kAnywhere, param_domain = kAnywhere;
  static double forward(double x, double c) { return c * x; }
  // d(cx)/dx = c
  static double local_grad(double, double c, double) { return c; }
};

struct SubFrom {
  static constexpr std::string_view name = "sub_from", symbol = "c-";
  static constexpr Domain domain = kAnywhere, param_domain = kAnywhere;
  static double forward(double x, double c) { return c - x; }
  // d(c-x)/dx = -1
  static double local_grad(double, double, double) { return -1.0; }
};

struct DivBy {
  static constexpr std::string_view name = "div_by", symbol = "/c";
  static constexpr Domain domain = kAnywhere, param_domain = kAwayFromZero;
  static double forward(double x, double c) { return x / c; }
  // d(x/c)/dx = 1/c
  static double local_grad(double, double c, double) { return 1.0 / c; }
};

struct DivInto {
  static constexpr std::string_view name = "div_into", symbol = "c/";
  static constexpr Domain domain = kAwayFromZero, param_domain = kAnywhere;
  static double forward(double x, double c) { return c / x; }
  // d(c/x)/dx = -c/x^2 = -out/x (one division; the reciprocal form would add work in a tensor
  // loop, where Div needs 1/y anyway: Note [Quotient partials from the reciprocal])
  static double local_grad(double x, double, double out) { return -out / x; }
};

struct PowConst {
  static constexpr std::string_view name = "pow_const", symbol = "^c";
  static constexpr Domain domain = {0.5, 3.0}, param_domain = kAnywhere;
  // std::pow keeps negative bases with integer exponents: (-2)^3 = -8
  static double forward(double x, double c) { return std::pow(x, c); }
  // d x^c/dx = c x^(c-1) (0 for c = 0, also at x = 0)
  static double local_grad(double x, double c, double) {
    if (c == 0.0) return 0.0;
    if (c == 2.0) return 2.0 * x;
    return c * std::pow(x, c - 1.0);
  }
};

struct ConstPow {
  static constexpr std::string_view name = "const_pow", symbol = "c^";
  static constexpr Domain domain = {-2.0, 2.0}, param_domain = {0.5, 3.0};
  static double forward(double x, double c) { return std::pow(c, x); }
  // d c^x/dx = c^x log c = out log c; for c = 0 and x >= 0 taken as 0, as PyTorch does (0^x is
  // 0 for every x > 0, and out log c would be 0 * -inf = NaN there)
  static double local_grad(double x, double c, double out) {
    return c == 0.0 && x >= 0.0 ? 0.0 : out * std::log(c);
  }
};

// ---- the lists -----------------------------------------------------------------------------

using BinaryGates = GateList<Add, Sub, Mul, Div, Max, Min, Pow>;
using UnaryGates =
    GateList<Neg, Reciprocal, Exp, Log, Sigmoid, Tanh, Relu, Sqrt, Abs, Sin, Cos>;
using ParametricGates = GateList<AddConst, Scale, SubFrom, DivBy, DivInto, PowConst, ConstPow>;

/// A gate of the lists above: the tensor layer's apply<G> is compiled for these only, so a gate
/// of your own is a compile-time error there (a Var's apply<G> takes any gate).
template <class G>
concept TableUnaryGate = UnaryGate<G> && UnaryGates::contains<G>;
template <class G>
concept TableParametricGate = ParametricGate<G> && ParametricGates::contains<G>;
template <class G>
concept TableBinaryGate = BinaryGate<G> && BinaryGates::contains<G>;

}  // namespace gradflow::gates
