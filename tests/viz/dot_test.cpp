// to_dot: the circuit of a recorded graph as DOT text, checked against golden files and for
// each kind of node.

#include <gradflow/scalar/scalar.hpp>
#include <gradflow/viz/dot.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

namespace gradflow {
namespace {

// Compares with golden/<name>; GRADFLOW_UPDATE_GOLDEN=1 rewrites the file instead (review the
// diff before keeping it).
void expect_golden(const std::string& actual, const std::string& name) {
  const std::string path = std::string(GRADFLOW_VIZ_GOLDEN_DIR) + "/" + name;
  if (std::getenv("GRADFLOW_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path;
  const std::string expected(std::istreambuf_iterator<char>(in), {});
  EXPECT_EQ(actual, expected) << "differs from " << path;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The notes' example, f = (x + sigmoid(y)) / (sigmoid(x) + (x+y)^2) at x = 3, y = -4.
TEST(ToDot, NotesExampleMatchesGolden) {
  Tape::Scope scope;  // slots from 1, whatever ran before
  AnnotateGuard annotate;
  Var x = 3.0;
  Var y = -4.0;
  x.set_name("x");
  y.set_name("y");
  // One statement per gate, in the notes' order: C++ leaves the order in which the operands of
  // one expression are evaluated (and so recorded) to the compiler.
  Var sigy = sigmoid(y);
  Var num = x + sigy;
  Var sigx = sigmoid(x);
  Var xpy = x + y;
  Var xpysqr = pow(xpy, 2);
  Var den = sigx + xpysqr;
  Var f = num / den;
  f.backward();
  const DotOptions options{.title = "(x + sigmoid(y)) / (sigmoid(x) + (x+y)^2)",
                           .output_name = "f"};
  expect_golden(to_dot(f, options), "notes.dot");
}

TEST(ToDot, NeuronMatchesGolden) {
  Tape::Scope scope;
  AnnotateGuard annotate;
  std::vector<Var> v = Var::leaves(std::vector<double>{2, -1, -3, -2, -3});
  const char* names[] = {"w0", "x0", "w1", "x1", "w2"};
  for (std::size_t i = 0; i < v.size(); ++i) v[i].set_name(names[i]);
  Var w0x0 = v[0] * v[1];
  Var w1x1 = v[2] * v[3];
  Var dot = w0x0 + w1x1;
  Var z = dot + v[4];
  Var e = exp(-z);
  Var f = 1.0 / (1.0 + e);
  f.backward();
  expect_golden(to_dot(f), "neuron.dot");
}

TEST(ToDot, IsDeterministic) {
  auto draw = [] {
    Tape::Scope scope;
    AnnotateGuard annotate;
    Var a = 1.5;
    Var b = a * a + tanh(a);
    b.backward();
    return to_dot(b);
  };
  EXPECT_EQ(draw(), draw());
}

TEST(ToDot, BeforeBackwardShowsValuesOnly) {
  Tape::Scope scope;
  AnnotateGuard annotate;
  Var x = 2.0;
  Var f = x * 3.0;
  const std::string dot = to_dot(f);
  EXPECT_TRUE(contains(dot, "label=<<font color=\"#1a7f37\">2.00</font>>"));
  EXPECT_FALSE(contains(dot, "xlabel"));
  EXPECT_TRUE(contains(dot, "no backward pass yet"));
  EXPECT_TRUE(contains(dot, "label=<*3>"));
}

TEST(ToDot, ForkedWiresCarryTheirOwnGradients) {
  Tape::Scope scope;
  AnnotateGuard annotate;
  Var x = 2.0;
  x.set_name("x");
  Var f = x * x;  // two wires from x, each with gradient x = 2; x's total is 4
  f.backward();
  const std::string dot = to_dot(f);
  std::size_t wires = 0;
  for (std::size_t p = dot.find("n1 -> n2"); p != std::string::npos; p = dot.find("n1 -> n2", p + 1)) {
    ++wires;
  }
  EXPECT_EQ(wires, 2u);
  EXPECT_TRUE(contains(dot, "xlabel=<<font color=\"#cf222e\">2.00</font>>"));
  EXPECT_TRUE(contains(dot, "<b>x</b><br/><font point-size=\"11\" color=\"#cf222e\">4.00</font>"));
}

TEST(ToDot, KindsOfNodeAreDistinct) {
  Tape::Scope scope;
  AnnotateGuard annotate;
  Param w = 0.5;
  Var x = 2.0;
  x.set_name("x");
  Var wv = w.var();
  wv.set_name("w");
  Var c(4.0);
  scope.tape().annotate(c.slot("test"), kConstantOp, 4.0);
  Var f = max(wv * x, c) + max(x, Var::constant(1.0));
  f.backward();
  const std::string dot = to_dot(f);
  EXPECT_TRUE(contains(dot, "peripheries=2")) << dot;                       // the parameter
  EXPECT_TRUE(contains(dot, "shape=plaintext, label=<<b>x</b>")) << dot;    // the input
  EXPECT_TRUE(contains(dot, "style=\"dashed,filled\"")) << dot;              // constants
  EXPECT_TRUE(contains(dot, "label=<4.00>")) << dot;                         // with value
  EXPECT_TRUE(contains(dot, "label=\"const\"")) << dot;  // a constant outside the tape
  EXPECT_TRUE(contains(dot, "shape=circle")) << dot;                         // gates
}

TEST(ToDot, OnlyWhatTheOutputDependsOn) {
  Tape::Scope scope;
  AnnotateGuard annotate;
  Var x = 1.0;
  Var unused = 2.0;
  Var g = exp(unused);
  Var f = sin(x);
  f.backward();
  const std::string dot = to_dot(f);
  EXPECT_TRUE(contains(dot, "n1 "));
  EXPECT_FALSE(contains(dot, "n2 "));
  EXPECT_FALSE(contains(dot, "n3 "));
  (void)g;
}

TEST(ToDot, WithoutAnnotationDrawsTheStructure) {
  Tape::Scope scope;
  Var x = 2.0;
  Var f = x * x + 1.0;
  f.backward();
  const std::string dot = to_dot(f);
  EXPECT_TRUE(contains(dot, "AnnotateGuard")) << dot;
  EXPECT_TRUE(contains(dot, "label=<#2>")) << dot;
  EXPECT_TRUE(contains(dot, "leaf #1")) << dot;
  EXPECT_TRUE(contains(dot, "xlabel=<<font color=\"#cf222e\">2.00</font>>")) << dot;
}

TEST(ToDot, ConstantOutput) {
  const std::string dot = to_dot(Var::constant(7.0));
  EXPECT_TRUE(contains(dot, "label=<7.00>"));
  EXPECT_TRUE(contains(dot, "n0 -> out"));
}

TEST(ToDot, StaleVarIsAnError) {
  Tape::Scope scope;
  Var x = 1.0;
  Var f = exp(x);
  new_graph();
  EXPECT_THROW(to_dot(f), Error);
}

TEST(ToDot, LabelsAreEscaped) {
  Tape::Scope scope;
  AnnotateGuard annotate;
  Var x = 1.0;
  x.set_name("<a & \"b\">");
  Var f = exp(x);
  const std::string dot = to_dot(f);
  EXPECT_TRUE(contains(dot, "&lt;a &amp; &quot;b&quot;&gt;")) << dot;
}

// A tensor-like operation: a step with a label and two scalar inputs.
class FakeMatmul final : public BackwardStep {
 public:
  FakeMatmul(Slot a, Slot b) : a_(a), b_(b) {}
  void backward(double*) override {}
  std::string_view name() const override { return "matmul"; }
  std::string label() const override { return "matmul [2x3]"; }
  std::vector<Slot> inputs() const override { return {a_, b_, 0}; }

 private:
  Slot a_;
  Slot b_;
};

TEST(ToDot, StepsAreDrawnWithTheirLabel) {
  Tape::Scope scope;
  AnnotateGuard annotate;
  Var a = 1.0;
  Var b = 2.0;
  const Slot step = scope.tape().push_step(std::make_unique<FakeMatmul>(a.slot("t"), b.slot("t")));
  const std::string dot = to_dot(scope.tape(), step);
  EXPECT_TRUE(contains(dot, "n3 [shape=box, style=\"rounded,filled\"")) << dot;
  EXPECT_TRUE(contains(dot, "label=<matmul [2x3]>")) << dot;
  EXPECT_TRUE(contains(dot, "n1 -> n3")) << dot;
  EXPECT_TRUE(contains(dot, "n2 -> n3")) << dot;
  EXPECT_TRUE(contains(dot, "c3_2 -> n3")) << dot;  // an input that is not on the tape
  EXPECT_TRUE(contains(dot, "label=\"tensor\"")) << dot;
}

TEST(ToDot, FusedOperationsDrawEveryOperand) {
  Tape::Scope scope;
  AnnotateGuard annotate;
  std::vector<Var> xs = Var::leaves(std::vector<double>{1, 2, 3});
  Var s = sum(xs);
  s.backward();
  const std::string dot = to_dot(s);
  EXPECT_TRUE(contains(dot, "label=<sum>"));
  EXPECT_TRUE(contains(dot, "n1 -> n4"));
  EXPECT_TRUE(contains(dot, "n3 -> n4"));
}

TEST(ToDot, SlotOutOfRangeIsAnError) {
  Tape::Scope scope;
  EXPECT_THROW(to_dot(scope.tape(), 99), Error);
}

}  // namespace
}  // namespace gradflow
