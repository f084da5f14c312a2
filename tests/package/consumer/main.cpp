// Checks the installed package: the README's example, built against the installed headers and
// library. Exits non-zero on a wrong number.
#include <gradflow/gradflow.hpp>

#include <cstdio>

int main() {
  using namespace gradflow;
  Var x = 3.0, y = -4.0;
  Var f = (x + sigmoid(y)) / (sigmoid(x) + pow(x + y, 2));
  f.backward();
  const bool ok = f.value() == 1.5456448841066441 && x.grad() == 2.0595697955721652 &&
                  y.grad() == 1.5922327514838093;
  std::printf("find_package(gradflow): f = %.17g, df/dx = %.17g, df/dy = %.17g: %s\n", f.value(),
              x.grad(), y.grad(), ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
