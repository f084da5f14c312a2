// A Var of a graph that was cleared (new_graph(), or a Tape::Scope that ended) is stale: using
// it is a gradflow::Error whose message names the operation and the fix, never undefined
// behaviour. Its value() keeps returning the number it holds.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace gradflow {
namespace {

class StaleVar : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  void TearDown() override { new_graph(); }
};

// The message of the Error that `f` throws; fails the test if it throws nothing.
std::string error_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected gradflow::Error";
  return {};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(StaleVar, ValueStillWorksAfterNewGraph) {
  Var x = 2.0;
  Var y = x * 3.0;
  new_graph();
  EXPECT_EQ(x.value(), 2.0);
  EXPECT_EQ(y.value(), 6.0);
}

TEST_F(StaleVar, GradThrowsNamingGradAndTheFix) {
  Var x = 2.0;
  Var y = x * 3.0;
  y.backward();
  new_graph();
  const std::string message = error_message([&] { (void)x.grad(); });
  EXPECT_TRUE(contains(message, "grad()")) << message;
  EXPECT_TRUE(contains(message, "new_graph")) << message;
  EXPECT_TRUE(contains(message, "Param")) << message;  // the fix: keep it as a Param
}

TEST_F(StaleVar, BackwardThrowsNamingBackward) {
  Var x = 2.0;
  Var y = x * 3.0;
  new_graph();
  const std::string message = error_message([&] { y.backward(); });
  EXPECT_TRUE(contains(message, "backward()")) << message;
}

TEST_F(StaleVar, OperationsThrowNamingTheGate) {
  Var x = 2.0;
  new_graph();
  Var fresh = 1.0;
  EXPECT_TRUE(contains(error_message([&] { (void)(x * fresh); }), "mul"));
  EXPECT_TRUE(contains(error_message([&] { (void)(fresh + x); }), "add"));
  EXPECT_TRUE(contains(error_message([&] { (void)(x + 1.0); }), "add_const"));
  EXPECT_TRUE(contains(error_message([&] { (void)(2.0 * x); }), "scale"));
  EXPECT_TRUE(contains(error_message([&] { (void)sigmoid(x); }), "sigmoid"));
  EXPECT_TRUE(contains(error_message([&] { (void)pow(x, 2); }), "pow_const"));
  EXPECT_TRUE(contains(error_message([&] { (void)max(x, fresh); }), "max"));
  EXPECT_TRUE(contains(error_message([&] { x += fresh; }), "add"));
  const std::vector<Var> xs = {fresh, x};
  EXPECT_TRUE(contains(error_message([&] { (void)sum(xs); }), "sum"));
  EXPECT_TRUE(contains(error_message([&] { (void)record(1.0, x, 1.0, "my_gate"); }), "my_gate"));
  EXPECT_TRUE(contains(error_message([&] { x.set_name("x"); }), "set_name()"));
}

TEST_F(StaleVar, GradsOfSeveralThrowsForAStaleOne) {
  const std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0});
  new_graph();
  const std::string message = error_message([&] { (void)grads(xs); });
  EXPECT_TRUE(contains(message, "grad")) << message;
  EXPECT_TRUE(contains(message, "new_graph")) << message;
}

TEST_F(StaleVar, StaysStaleWhenTheNewGraphHasAsManySlots) {
  // x's slot number is valid again in the new graph; its generation still tells it apart
  Var x = 2.0;
  new_graph();
  Var a = 1.0, b = 2.0, c = 3.0;
  Var d = a * b * c;
  EXPECT_GT(Tape::current().size(), 2u);
  EXPECT_THROW((void)x.grad(), Error);
  EXPECT_THROW((void)(x * d), Error);
  EXPECT_THROW(x.backward(), Error);
}

TEST_F(StaleVar, StaleAfterManyGraphs) {
  Var x = 2.0;
  for (int i = 0; i < 5000; ++i) new_graph();  // more than one block of generations
  EXPECT_THROW((void)x.grad(), Error);
}

TEST_F(StaleVar, VarOfAnEndedScopeIsStale) {
  Var inner;
  {
    Tape::Scope scope;
    inner = Var(4.0) * 2.0;
  }
  EXPECT_EQ(inner.value(), 8.0);
  const std::string message = error_message([&] { (void)inner.grad(); });
  EXPECT_TRUE(contains(message, "grad()")) << message;
  EXPECT_TRUE(contains(message, "Tape::Scope")) << message;
  EXPECT_THROW(inner.backward(), Error);
  EXPECT_THROW((void)(inner + 1.0), Error);
}

TEST_F(StaleVar, ConstantsNeverGoStale) {
  Var c = Var::constant(5.0);
  Var zero;
  new_graph();
  EXPECT_EQ(c.grad(), 0.0);
  EXPECT_EQ(zero.grad(), 0.0);
  Var x = 1.0;
  Var f = x * c + zero;
  f.backward();
  EXPECT_EQ(x.grad(), 5.0);
}

TEST_F(StaleVar, ParamsNeverGoStale) {
  Param w = 2.0;
  Var before = w;
  new_graph();
  EXPECT_THROW((void)before.grad(), Error);
  Var f = w * 3.0;  // rebinds on the new graph
  EXPECT_NO_THROW(f.backward());
  EXPECT_EQ(w.grad(), 3.0);
}

}  // namespace
}  // namespace gradflow
