// The circuits of the backprop notes, staged as the notes stage them: every intermediate value
// gets a name, the forward pass computes them in order, and after f.backward() each one holds
// its gradient df/d(name). The tables show both passes.

#include <gradflow/gradflow.hpp>

#include <cstdio>
#include <string>
#include <vector>

using namespace gradflow;

namespace {

// One line of a staged computation: what it is called, how it is computed, and the Var.
struct Stage {
  std::string name;
  std::string formula;
  Var var;
};

void print_tables(const char* title, const std::vector<Stage>& stages) {
  std::printf("\n== %s\n\n", title);
  std::printf("  forward pass (in creation order)\n");
  std::printf("    %-8s %-32s %22s\n", "value", "computed as", "forward");
  for (const Stage& s : stages) {
    std::printf("    %-8s %-32s %22.16g\n", s.name.c_str(), s.formula.c_str(), s.var.value());
  }
  std::printf("\n  backward pass (reverse order; gradient 1.0 at the output)\n");
  std::printf("    %-8s %22s\n", "gradient", "df/d(value)");
  for (auto it = stages.rbegin(); it != stages.rend(); ++it) {
    std::printf("    d%-7s %22.16g\n", it->name.c_str(), it->var.grad());
  }
}

void add_and_multiply() {
  new_graph();
  Var x = -2.0, y = 5.0, z = -4.0;
  Var q = x + y;
  Var f = q * z;
  f.backward();
  print_tables("f = (x + y) z at x = -2, y = 5, z = -4",
               {{"x", "input", x}, {"y", "input", y}, {"z", "input", z},
                {"q", "x + y", q}, {"f", "q * z", f}});
}

void neuron() {
  new_graph();
  Var w0 = 2.0, x0 = -1.0, w1 = -3.0, x1 = -2.0, w2 = -3.0;
  Var dot = w0 * x0 + w1 * x1 + w2;
  Var f = sigmoid(dot);
  f.backward();
  print_tables("2-d neuron f = sigmoid(w0 x0 + w1 x1 + w2)",
               {{"w0", "input", w0}, {"x0", "input", x0}, {"w1", "input", w1},
                {"x1", "input", x1}, {"w2", "input", w2},
                {"dot", "w0*x0 + w1*x1 + w2", dot}, {"f", "sigmoid(dot)", f}});
}

void staged_example() {
  new_graph();
  Var x = 3.0, y = -4.0;
  Var sigy = sigmoid(y);         // sigmoid in the numerator
  Var num = x + sigy;            // numerator
  Var sigx = sigmoid(x);         // sigmoid in the denominator
  Var xpy = x + y;
  Var xpysqr = pow(xpy, 2);
  Var den = sigx + xpysqr;       // denominator
  Var invden = reciprocal(den);  // the notes' 1/x gate
  Var f = num * invden;
  f.backward();
  print_tables("f = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2) at x = 3, y = -4",
               {{"x", "input", x}, {"y", "input", y}, {"sigy", "sigmoid(y)", sigy},
                {"num", "x + sigy", num}, {"sigx", "sigmoid(x)", sigx}, {"xpy", "x + y", xpy},
                {"xpysqr", "xpy^2", xpysqr}, {"den", "sigx + xpysqr", den},
                {"invden", "1 / den", invden}, {"f", "num * invden", f}});
  std::printf("\n  x and y fork into both halves of the circuit: their gradients are sums.\n");
}

}  // namespace

int main() {
  std::printf("gradflow: backpropagation through the circuits of the backprop notes\n");
  add_and_multiply();
  neuron();
  staged_example();
  return 0;
}
