// Adding a gate of your own: its forward function and its local gradient, side by side, in a
// few lines. Here sigmoid is made twice that way and compared with the built-in one.

#include <gradflow/gradflow.hpp>

#include <cmath>
#include <cstdio>

using namespace gradflow;

// 1. As a gate struct of the same shape as those in <gradflow/gates/table.hpp>; apply<> records
//    it, and gradcheck (or the table-driven test, if you add it to a GateList) can check it.
struct MySigmoid {
  static constexpr std::string_view name = "my_sigmoid", symbol = "my_sigmoid";
  static constexpr gates::Domain domain = {-6.0, 6.0};
  static double forward(double x) { return 1.0 / (1.0 + std::exp(-x)); }
  // d sigma/dx = sigma (1 - sigma), reusing the forward output
  static double local_grad(double, double out) { return out * (1.0 - out); }
};

// 2. As a plain function: compute the value and the local gradient, then record().
Var my_sigmoid(const Var& x) {
  const double s = 1.0 / (1.0 + std::exp(-x.value()));
  return record(s, x, s * (1.0 - s), "my_sigmoid");
}

int main() {
  Var x = 0.75;
  Var built_in = sigmoid(x);
  Var as_struct = apply<MySigmoid>(x);
  Var as_function = my_sigmoid(x);
  // d/dx of the three together: each contributes sigma'(x), and gradients sum where x forks.
  (built_in + as_struct + as_function).backward();
  std::printf("sigmoid(0.75):   built-in %.17g\n", built_in.value());
  std::printf("                 struct   %.17g\n", as_struct.value());
  std::printf("                 function %.17g\n", as_function.value());
  std::printf("d/dx of the sum: %.17g (3 x %.17g)\n", x.grad(), x.grad() / 3.0);

  auto check = gradcheck([](std::span<const Var> v) { return apply<MySigmoid>(v[0]); }, {0.75});
  std::printf("\ngradcheck of MySigmoid:\n%s", check.report().c_str());
  return check.passed ? 0 : 1;
}
