// A 2-d neuron (logistic regression) trained by gradient descent. The weights are Params: they
// outlive each iteration's graph, which new_graph() starts afresh, so memory stays constant
// however long the loop runs.

#include <gradflow/gradflow.hpp>

#include <array>
#include <cstdio>

using namespace gradflow;

int main() {
  // Points of two classes, separable by a line.
  const std::array<std::array<double, 2>, 8> points = {{
      {0.5, 1.5}, {1.0, 2.0}, {1.5, 2.5}, {0.0, 1.0},   // class 1
      {1.5, 0.5}, {2.0, 1.0}, {2.5, 1.5}, {1.0, 0.0}}};  // class 0
  const std::array<double, 8> labels = {1, 1, 1, 1, 0, 0, 0, 0};

  Param w0 = 0.1, w1 = -0.2, b = 0.0;
  const double learning_rate = 0.5;
  for (int step = 0; step <= 200; ++step) {
    new_graph();
    Var loss;  // the constant 0
    for (std::size_t i = 0; i < points.size(); ++i) {
      Var p = sigmoid(w0 * points[i][0] + w1 * points[i][1] + b);
      // cross-entropy of the predicted probability
      loss -= labels[i] == 1.0 ? log(p) : log(1.0 - p);
    }
    loss /= static_cast<double>(points.size());
    loss.backward();
    if (step % 50 == 0) {
      std::printf("step %3d  loss %.6f  w = (%+.4f, %+.4f)  b = %+.4f\n", step, loss.value(),
                  w0.value(), w1.value(), b.value());
    }
    for (Param* p : {&w0, &w1, &b}) {
      p->set_value(p->value() - learning_rate * p->grad());
      p->zero_grad();
    }
  }
  return 0;
}
