// Tape::Scope (a nested graph that leaves the caller's alone), NoGradGuard (operations give
// constants), AnnotateGuard (the tape keeps gate names and values), and backward() on a
// constant, which is an Error.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace gradflow {
namespace {

class ScopeAndGuards : public ::testing::Test {
 protected:
  void SetUp() override { new_graph(); }
  void TearDown() override { new_graph(); }
};

TEST_F(ScopeAndGuards, ScopeLeavesTheOuterGraphUntouched) {
  Tape& outer = Tape::current();
  Var x = 2.0, y = 3.0;
  Var f = x * y;
  f.backward();
  const std::size_t size = outer.size();
  const std::uint32_t generation = outer.generation();
  {
    Tape::Scope scope;
    EXPECT_EQ(&Tape::current(), &scope.tape());
    EXPECT_NE(&Tape::current(), &outer);
    Var a = 5.0;
    Var g = a * a * a;
    g.backward();
    EXPECT_EQ(a.grad(), 75.0);
    new_graph();  // clears the scope's graph only
    zero_grad();
  }
  EXPECT_EQ(&Tape::current(), &outer);
  EXPECT_EQ(outer.size(), size);
  EXPECT_EQ(outer.generation(), generation);
  EXPECT_EQ(x.grad(), 3.0);
  EXPECT_EQ(y.grad(), 2.0);
  // and the outer graph goes on
  Var h = f + x;
  h.backward();
  EXPECT_EQ(x.grad(), 3.0 + 4.0);
}

TEST_F(ScopeAndGuards, AnOuterVarCannotBeUsedInsideAScope) {
  Var x = 2.0;
  Tape::Scope scope;
  EXPECT_THROW((void)(x * 2.0), Error);
  EXPECT_THROW((void)x.grad(), Error);
  EXPECT_EQ(x.value(), 2.0);
}

TEST_F(ScopeAndGuards, NestedScopesRestoreInOrder) {
  Tape& outer = Tape::current();
  {
    Tape::Scope first;
    Tape& one = Tape::current();
    {
      Tape::Scope second;
      EXPECT_NE(&Tape::current(), &one);
      EXPECT_NE(&Tape::current(), &outer);
    }
    EXPECT_EQ(&Tape::current(), &one);
  }
  EXPECT_EQ(&Tape::current(), &outer);
}

TEST_F(ScopeAndGuards, NoGradGuardGivesConstantsAndRecordsNothing) {
  Var x = 2.0;
  const std::size_t size = Tape::current().size();
  {
    NoGradGuard no_grad;
    EXPECT_FALSE(Tape::current().recording());
    Var leaf = 3.0;
    Var y = x * leaf + sigmoid(x);
    EXPECT_TRUE(leaf.is_constant());
    EXPECT_TRUE(y.is_constant());
    EXPECT_DOUBLE_EQ(y.value(), 6.0 + 1.0 / (1.0 + std::exp(-2.0)));
    EXPECT_EQ(Tape::current().size(), size);
    EXPECT_EQ(y.grad(), 0.0);
    EXPECT_THROW(y.backward(), Error);
  }
  EXPECT_TRUE(Tape::current().recording());
  Var z = x * 4.0;
  EXPECT_FALSE(z.is_constant());
  z.backward();
  EXPECT_EQ(x.grad(), 4.0);
}

TEST_F(ScopeAndGuards, NestedNoGradGuardsRestoreRecording) {
  {
    NoGradGuard outer_guard;
    {
      NoGradGuard inner_guard;
      EXPECT_FALSE(Tape::current().recording());
    }
    EXPECT_FALSE(Tape::current().recording());
  }
  EXPECT_TRUE(Tape::current().recording());
}

TEST_F(ScopeAndGuards, BackwardOnAConstantThrowsNamingBackward) {
  for (const Var& c : {Var(), Var::constant(3.0), Var::constant(2.0) * 3.0 + 1.0}) {
    EXPECT_TRUE(c.is_constant());
    try {
      c.backward();
      ADD_FAILURE() << "backward() on a constant did not throw";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("backward()"), std::string::npos) << message;
      EXPECT_NE(message.find("constant"), std::string::npos) << message;
    }
  }
}

TEST_F(ScopeAndGuards, ConstantsTakePartButGetNoGradient) {
  Var x = 3.0;
  Var c = Var::constant(4.0);
  const std::size_t size = Tape::current().size();
  Var f = x * c;
  EXPECT_EQ(Tape::current().size(), size + 1);
  f.backward();
  EXPECT_EQ(x.grad(), 4.0);
  EXPECT_EQ(c.grad(), 0.0);
  EXPECT_TRUE(Var().is_constant());
  EXPECT_EQ(Var().value(), 0.0);
}

TEST_F(ScopeAndGuards, AnnotateGuardKeepsGateNamesValuesAndLabels) {
  Var plain = 1.0;
  EXPECT_EQ(Tape::current().annotation(plain.slot("test")), nullptr);
  {
    AnnotateGuard annotate;
    Var x = 2.0;
    x.set_name("x");
    Var y = sigmoid(x * 3.0);
    Var z = pow(y, 2.0);
    const Tape& tape = Tape::current();
    const SlotAnnotation* ax = tape.annotation(x.slot("test"));
    ASSERT_NE(ax, nullptr);
    EXPECT_EQ(ax->op, "leaf");
    EXPECT_EQ(ax->label, "x");
    EXPECT_EQ(ax->value, 2.0);
    const SlotAnnotation* ay = tape.annotation(y.slot("test"));
    ASSERT_NE(ay, nullptr);
    EXPECT_EQ(ay->op, "sigmoid");
    EXPECT_EQ(ay->value, y.value());
    const SlotAnnotation* az = tape.annotation(z.slot("test"));
    ASSERT_NE(az, nullptr);
    EXPECT_EQ(az->op, "pow_const");
    EXPECT_EQ(az->param, 2.0);
  }
  Var later = 1.0;
  EXPECT_EQ(Tape::current().annotation(later.slot("test")), nullptr);
}

TEST_F(ScopeAndGuards, AnnotatedRecordingOfBinaryGatesAndConstants) {
  // record()'s annotated path (record_annotated): a binary gate keeps its value and no
  // parameter; constant operands still give a constant, with no slot and no annotation.
  AnnotateGuard annotate;
  Var x = 2.0, y = 5.0;
  const Var z = x * y;
  const SlotAnnotation* az = Tape::current().annotation(z.slot("test"));
  ASSERT_NE(az, nullptr);
  EXPECT_EQ(az->op, "mul");
  EXPECT_EQ(az->value, 10.0);
  EXPECT_TRUE(std::isnan(az->param));
  const std::size_t size = Tape::current().size();
  const Var c = Var::constant(3.0) * Var::constant(4.0);
  EXPECT_TRUE(c.is_constant());
  EXPECT_EQ(c.value(), 12.0);
  EXPECT_EQ(Tape::current().size(), size);
  {
    NoGradGuard no_grad;  // both guards: a constant, nothing recorded
    const Var w = x * y;
    EXPECT_TRUE(w.is_constant());
    EXPECT_EQ(Tape::current().size(), size);
  }
}

TEST_F(ScopeAndGuards, AnnotateGuardCoversLeavesInBulkAndFusedPrimitives) {
  AnnotateGuard annotate;
  const std::vector<Var> xs = Var::leaves(std::vector<double>{1.0, 2.0, 3.0});
  Var s = sum(xs);
  const Tape& tape = Tape::current();
  for (const Var& x : xs) {
    const SlotAnnotation* a = tape.annotation(x.slot("test"));
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->op, "leaf");
    EXPECT_EQ(a->value, x.value());
  }
  const SlotAnnotation* as = tape.annotation(s.slot("test"));
  ASSERT_NE(as, nullptr);
  EXPECT_EQ(as->op, "sum");
  EXPECT_EQ(as->value, 6.0);
}

}  // namespace
}  // namespace gradflow
