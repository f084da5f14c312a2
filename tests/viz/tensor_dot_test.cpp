// to_dot for a Tensor output: tensor operations are boxes with op and shape, leaf tensors show
// their shape and whether they require grad, and the legend names only what is drawn.

#include <gradflow/scalar/scalar.hpp>
#include <gradflow/tensor/tensor.hpp>
#include <gradflow/tensor/var_bridge.hpp>
#include <gradflow/viz/tensor_dot.hpp>

#include <gtest/gtest.h>

#include <string>

namespace gradflow {
namespace {

// The diagram's legend: the graph label's text.
std::string legend_of(const std::string& dot) {
  const std::size_t start = dot.find("label=<<font point-size=\"11\">");
  const std::size_t end = dot.find("];\n", start);
  return start == std::string::npos ? "" : dot.substr(start, end - start);
}

TEST(TensorToDot, OperationsShowOpAndShape) {
  Tape::Scope scope;
  Tensor w = tensor({1, 2, 3, 4, 5, 6}, {2, 3}).requires_grad_();
  Tensor x = tensor({1, 0, -1}, {3, 1});
  Tensor y = sum(exp(matmul(w, x)));
  y.backward();
  const std::string dot = to_dot(y);
  EXPECT_NE(dot.find("rankdir=LR"), std::string::npos) << dot;
  EXPECT_NE(dot.find("matmul [2,1]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("shape=box, style=\"rounded,filled\""), std::string::npos) << dot;
  EXPECT_EQ(dot.find("AnnotateGuard"), std::string::npos) << dot;     // steps name themselves
  EXPECT_EQ(dot, to_dot(y));                                          // deterministic
}

TEST(TensorToDot, ATransposeIsDrawnAsWritten) {
  // t() and transpose() are permutes inside; the diagram names what the code called.
  Tape::Scope scope;
  Tensor w = tensor({1, 2, 3, 4, 5, 6}, {2, 3}).requires_grad_();
  const std::string dot = to_dot(sum(matmul(w.t(), w) + w.permute({1, 0}).sum(1, true)));
  EXPECT_NE(dot.find("transpose [3,2]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("permute [3,2]"), std::string::npos) << dot;
}

TEST(TensorToDot, LeavesShowShapeAndWhetherTheyRequireGrad) {
  Tape::Scope scope;
  Tensor w = tensor({1, 2, 3, 4, 5, 6}, {2, 3}).requires_grad_();
  Tensor x = tensor({1, 0, -1}, {3, 1});
  const std::string dot = to_dot(sum(matmul(w, x)));
  EXPECT_NE(dot.find("c1_0 [shape=box, style=filled, fillcolor=\"#ddeeff\", fontsize=11, "
                     "label=<leaf [2,3]<br/><i>requires grad</i>>];"),
            std::string::npos)
      << dot;
  // The step keeps no cell for an input that needs no gradient, so its shape is unknown here.
  EXPECT_NE(dot.find("c1_1 [shape=box, style=\"dashed,filled\", fillcolor=\"#eeeeee\", "
                     "fontcolor=\"#555555\", fontsize=11, label=<tensor<br/><i>no grad</i>>];"),
            std::string::npos)
      << dot;
}

TEST(TensorToDot, LegendNamesOnlyWhatATensorGraphDraws) {
  Tape::Scope scope;
  AnnotateGuard annotate;  // scalar gates would carry values; tensor operations still do not
  Tensor w = tensor({1, 2, 3, 4, 5, 6}, {2, 3}).requires_grad_();
  Tensor y = sum(relu(w));
  y.backward();
  EXPECT_EQ(legend_of(to_dot(y)),
            "label=<<font point-size=\"11\">yellow: tensor operation [output shape]; blue: leaf "
            "tensor [shape] that requires grad</font>>");
  // A scalar Var bridged in draws its value on its wire, and the legend says so.
  Var s = 2.0;
  s.set_name("s");
  Tensor z = sum(s * w);
  const std::string mixed = legend_of(to_dot(z));
  EXPECT_NE(mixed.find("<font color=\"#1a7f37\">value</font> forward"), std::string::npos)
      << mixed;
  EXPECT_EQ(mixed.find("gradient"), std::string::npos) << mixed;  // none drawn: no backward yet
  z.backward();  // now s's gradient is drawn under its name
  EXPECT_NE(legend_of(to_dot(z)).find("<font color=\"#cf222e\">gradient</font> backward"),
            std::string::npos)
      << legend_of(to_dot(z));
}

TEST(TensorToDot, LegendLeavesOutWhatIsNotDrawn) {
  Tape::Scope scope;
  Tensor x = tensor({1, 2});
  Tensor w = tensor({3, 4}).requires_grad_();
  const std::string legend = legend_of(to_dot(sum(x * w)));
  EXPECT_NE(legend.find("grey: tensor that needs no gradient"), std::string::npos) << legend;
  EXPECT_EQ(legend.find("value"), std::string::npos) << legend;
  EXPECT_EQ(legend.find("gradient</font>"), std::string::npos) << legend;
}

TEST(TensorToDot, LeafAlone) {
  Tensor w = tensor({1, 2}).requires_grad_();
  EXPECT_NE(to_dot(w).find("label=<leaf [2]<br/><i>requires grad</i>>"), std::string::npos)
      << to_dot(w);
  Tensor x = tensor({1, 2, 3});
  EXPECT_NE(to_dot(x).find("label=<tensor [3]<br/><i>no grad</i>>"), std::string::npos)
      << to_dot(x);
}

}  // namespace
}  // namespace gradflow
