#pragma once
/// @file
/// Arithmetic and functions on Var, each one gate of the table (gates/table.hpp). Mixed
/// arithmetic with a plain double records the gate-with-a-constant (add_const, scale, ...), so
/// the double never becomes a leaf.

#include <gradflow/gates/table.hpp>
#include <gradflow/scalar/record.hpp>
#include <gradflow/scalar/var.hpp>

#include <concepts>

namespace gradflow {

// ---- arithmetic --------------------------------------------------------------------------

inline Var operator+(const Var& x, const Var& y) { return apply<gates::Add>(x, y); }
inline Var operator-(const Var& x, const Var& y) { return apply<gates::Sub>(x, y); }
inline Var operator*(const Var& x, const Var& y) { return apply<gates::Mul>(x, y); }
inline Var operator/(const Var& x, const Var& y) { return apply<gates::Div>(x, y); }

inline Var operator+(const Var& x, double c) { return apply<gates::AddConst>(x, c); }
inline Var operator+(double c, const Var& x) { return apply<gates::AddConst>(x, c); }
inline Var operator-(const Var& x, double c) { return apply<gates::AddConst>(x, -c); }
inline Var operator-(double c, const Var& x) { return apply<gates::SubFrom>(x, c); }
inline Var operator*(const Var& x, double c) { return apply<gates::Scale>(x, c); }
inline Var operator*(double c, const Var& x) { return apply<gates::Scale>(x, c); }
inline Var operator/(const Var& x, double c) { return apply<gates::DivBy>(x, c); }
inline Var operator/(double c, const Var& x) { return apply<gates::DivInto>(x, c); }

inline Var operator-(const Var& x) { return apply<gates::Neg>(x); }
inline Var operator+(const Var& x) { return x; }

inline Var& Var::operator+=(const Var& other) { return *this = *this + other; }
inline Var& Var::operator-=(const Var& other) { return *this = *this - other; }
inline Var& Var::operator*=(const Var& other) { return *this = *this * other; }
inline Var& Var::operator/=(const Var& other) { return *this = *this / other; }
inline Var& Var::operator+=(double c) { return *this = *this + c; }
inline Var& Var::operator-=(double c) { return *this = *this - c; }
inline Var& Var::operator*=(double c) { return *this = *this * c; }
inline Var& Var::operator/=(double c) { return *this = *this / c; }

// ---- functions ---------------------------------------------------------------------------

inline Var exp(const Var& x) { return apply<gates::Exp>(x); }
inline Var log(const Var& x) { return apply<gates::Log>(x); }
inline Var sigmoid(const Var& x) { return apply<gates::Sigmoid>(x); }
inline Var tanh(const Var& x) { return apply<gates::Tanh>(x); }
inline Var relu(const Var& x) { return apply<gates::Relu>(x); }
inline Var sqrt(const Var& x) { return apply<gates::Sqrt>(x); }
inline Var abs(const Var& x) { return apply<gates::Abs>(x); }
inline Var sin(const Var& x) { return apply<gates::Sin>(x); }
inline Var cos(const Var& x) { return apply<gates::Cos>(x); }
/// 1/x as one gate (local gradient -1/x^2).
inline Var reciprocal(const Var& x) { return apply<gates::Reciprocal>(x); }

inline Var pow(const Var& x, const Var& y) { return apply<gates::Pow>(x, y); }
/// x^c; negative bases work with integer exponents: pow(Var(-2), 3) is -8.
inline Var pow(const Var& x, double c) { return apply<gates::PowConst>(x, c); }
inline Var pow(double c, const Var& x) { return apply<gates::ConstPow>(x, c); }

inline Var max(const Var& x, const Var& y) { return apply<gates::Max>(x, y); }
inline Var max(const Var& x, double c) { return apply<gates::Max>(x, Var::constant(c)); }
inline Var max(double c, const Var& x) { return apply<gates::Max>(Var::constant(c), x); }
inline Var min(const Var& x, const Var& y) { return apply<gates::Min>(x, y); }
inline Var min(const Var& x, double c) { return apply<gates::Min>(x, Var::constant(c)); }
inline Var min(double c, const Var& x) { return apply<gates::Min>(Var::constant(c), x); }

// ---- comparisons (of forward values; they record nothing) --------------------------------

namespace detail {
template <class T>
concept VarOrNumber = std::same_as<T, Var> || std::is_arithmetic_v<T>;
template <class A, class B>
concept ComparableWithVar =
    VarOrNumber<A> && VarOrNumber<B> && (std::same_as<A, Var> || std::same_as<B, Var>);
inline double value_of(const Var& v) noexcept { return v.value(); }
inline double value_of(double v) noexcept { return v; }
}  // namespace detail

template <class A, class B>
  requires detail::ComparableWithVar<A, B>
bool operator==(const A& a, const B& b) {
  return detail::value_of(a) == detail::value_of(b);
}
template <class A, class B>
  requires detail::ComparableWithVar<A, B>
bool operator<(const A& a, const B& b) {
  return detail::value_of(a) < detail::value_of(b);
}
template <class A, class B>
  requires detail::ComparableWithVar<A, B>
bool operator<=(const A& a, const B& b) {
  return detail::value_of(a) <= detail::value_of(b);
}
template <class A, class B>
  requires detail::ComparableWithVar<A, B>
bool operator>(const A& a, const B& b) {
  return detail::value_of(a) > detail::value_of(b);
}
template <class A, class B>
  requires detail::ComparableWithVar<A, B>
bool operator>=(const A& a, const B& b) {
  return detail::value_of(a) >= detail::value_of(b);
}

}  // namespace gradflow
