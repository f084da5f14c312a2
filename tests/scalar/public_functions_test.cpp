// Every operator and free function on Var records the gate of the table it stands for: the
// recorded gate name, the value and the local gradient are the gate's own. (The gates
// themselves are checked in tests/gates; this checks the wiring.)

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace gradflow {
namespace {

struct Wiring {
  std::string expression;  // for failure messages
  std::string gate;        // the gate name the tape must record
  std::function<Var(const Var&, const Var&)> f;
  double value;  // the gate's forward at x = 0.75, y = 1.25
  double dx;     // and its local gradients
  double dy;
};

constexpr double kX = 0.75;
constexpr double kY = 1.25;

template <class G>
gates::Partials binary() {
  return G::local_grad(kX, kY, G::forward(kX, kY));
}
template <class G>
double unary() {
  return G::local_grad(kX, G::forward(kX));
}
template <class G>
double parametric(double c) {
  return G::local_grad(kX, c, G::forward(kX, c));
}

std::vector<Wiring> wirings() {
  using namespace gates;
  using V = const Var&;
  return {
      {"x + y", "add", [](V x, V y) { return x + y; }, Add::forward(kX, kY), 1.0, 1.0},
      {"x - y", "sub", [](V x, V y) { return x - y; }, Sub::forward(kX, kY), 1.0, -1.0},
      {"x * y", "mul", [](V x, V y) { return x * y; }, Mul::forward(kX, kY), kY, kX},
      {"x / y", "div", [](V x, V y) { return x / y; }, Div::forward(kX, kY), binary<Div>().dx,
       binary<Div>().dy},
      {"pow(x, y)", "pow", [](V x, V y) { return pow(x, y); }, Pow::forward(kX, kY),
       binary<Pow>().dx, binary<Pow>().dy},
      {"max(x, y)", "max", [](V x, V y) { return max(x, y); }, kY, 0.0, 1.0},
      {"min(x, y)", "min", [](V x, V y) { return min(x, y); }, kX, 1.0, 0.0},
      {"-x", "neg", [](V x, V) { return -x; }, -kX, -1.0, 0.0},
      {"exp(x)", "exp", [](V x, V) { return exp(x); }, Exp::forward(kX), unary<Exp>(), 0.0},
      {"log(x)", "log", [](V x, V) { return log(x); }, Log::forward(kX), unary<Log>(), 0.0},
      {"sigmoid(x)", "sigmoid", [](V x, V) { return sigmoid(x); }, Sigmoid::forward(kX),
       unary<Sigmoid>(), 0.0},
      {"tanh(x)", "tanh", [](V x, V) { return tanh(x); }, Tanh::forward(kX), unary<Tanh>(),
       0.0},
      {"relu(x)", "relu", [](V x, V) { return relu(x); }, kX, 1.0, 0.0},
      {"sqrt(x)", "sqrt", [](V x, V) { return sqrt(x); }, Sqrt::forward(kX), unary<Sqrt>(),
       0.0},
      {"abs(x)", "abs", [](V x, V) { return abs(x); }, kX, 1.0, 0.0},
      {"sin(x)", "sin", [](V x, V) { return sin(x); }, Sin::forward(kX), unary<Sin>(), 0.0},
      {"cos(x)", "cos", [](V x, V) { return cos(x); }, Cos::forward(kX), unary<Cos>(), 0.0},
      {"reciprocal(x)", "reciprocal", [](V x, V) { return reciprocal(x); },
       Reciprocal::forward(kX), unary<Reciprocal>(), 0.0},
      {"x + 2", "add_const", [](V x, V) { return x + 2.0; }, kX + 2.0, 1.0, 0.0},
      {"2 + x", "add_const", [](V x, V) { return 2.0 + x; }, kX + 2.0, 1.0, 0.0},
      {"x - 2", "add_const", [](V x, V) { return x - 2.0; }, kX - 2.0, 1.0, 0.0},
      {"2 - x", "sub_from", [](V x, V) { return 2.0 - x; }, 2.0 - kX, -1.0, 0.0},
      {"x * 2", "scale", [](V x, V) { return x * 2.0; }, 2.0 * kX, 2.0, 0.0},
      {"2 * x", "scale", [](V x, V) { return 2.0 * x; }, 2.0 * kX, 2.0, 0.0},
      {"x / 2", "div_by", [](V x, V) { return x / 2.0; }, kX / 2.0, 0.5, 0.0},
      {"2 / x", "div_into", [](V x, V) { return 2.0 / x; }, 2.0 / kX,
       parametric<DivInto>(2.0), 0.0},
      {"pow(x, 3)", "pow_const", [](V x, V) { return pow(x, 3.0); }, PowConst::forward(kX, 3.0),
       parametric<PowConst>(3.0), 0.0},
      {"pow(3, x)", "const_pow", [](V x, V) { return pow(3.0, x); }, ConstPow::forward(kX, 3.0),
       parametric<ConstPow>(3.0), 0.0},
      {"max(x, 2)", "max", [](V x, V) { return max(x, 2.0); }, 2.0, 0.0, 0.0},
      {"max(2, x)", "max", [](V x, V) { return max(2.0, x); }, 2.0, 0.0, 0.0},
      {"min(x, 2)", "min", [](V x, V) { return min(x, 2.0); }, kX, 1.0, 0.0},
      {"min(2, x)", "min", [](V x, V) { return min(2.0, x); }, kX, 1.0, 0.0},
  };
}

TEST(PublicFunctions, EachRecordsItsGateWithTheGatesValueAndGradient) {
  for (const Wiring& w : wirings()) {
    SCOPED_TRACE(w.expression);
    new_graph();
    AnnotateGuard annotate;
    Var x = kX, y = kY;
    const Var out = w.f(x, y);
    const SlotAnnotation* a = Tape::current().annotation(out.slot("test"));
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->op, w.gate);
    EXPECT_EQ(out.value(), w.value);
    out.backward();
    EXPECT_EQ(x.grad(), w.dx);
    EXPECT_EQ(y.grad(), w.dy);
  }
  new_graph();
}

TEST(PublicFunctions, UnaryPlusRecordsNothing) {
  new_graph();
  Var x = kX;
  const std::size_t size = Tape::current().size();
  const Var same = +x;
  EXPECT_EQ(Tape::current().size(), size);
  EXPECT_EQ(same.value(), kX);
  new_graph();
}

}  // namespace
}  // namespace gradflow
