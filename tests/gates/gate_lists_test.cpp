// The gate lists themselves: every gate is named, named once, and has a usable test domain.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace gradflow {
namespace {

void expect_usable(const gates::Domain& d, std::string_view gate) {
  EXPECT_LT(d.lo, d.hi) << gate;
  // either_sign draws a magnitude, so the magnitude range must stay clear of 0
  if (d.either_sign) {
    EXPECT_GT(d.lo, 0.0) << gate;
  }
}

TEST(GateLists, EveryGateHasAUniqueNameASymbolAndAUsableDomain) {
  std::set<std::string> names;
  std::size_t count = 0;
  auto visit = [&]<class G>() {
    ++count;
    EXPECT_FALSE(G::name.empty());
    EXPECT_FALSE(G::symbol.empty()) << G::name;
    EXPECT_TRUE(names.insert(std::string(G::name)).second) << "duplicate gate name " << G::name;
    if constexpr (gates::BinaryGate<G>) {
      expect_usable(G::domain_x, G::name);
      expect_usable(G::domain_y, G::name);
    } else if constexpr (gates::ParametricGate<G>) {
      expect_usable(G::domain, G::name);
      expect_usable(G::param_domain, G::name);
    } else {
      expect_usable(G::domain, G::name);
    }
  };
  gates::UnaryGates::for_each(visit);
  gates::ParametricGates::for_each(visit);
  gates::BinaryGates::for_each(visit);
  EXPECT_EQ(count, gates::UnaryGates::size + gates::ParametricGates::size +
                       gates::BinaryGates::size);
}

TEST(GateLists, ListsHoldTheGatesOfTheNotes) {
  std::set<std::string> names;
  auto collect = [&]<class G>() { names.insert(std::string(G::name)); };
  gates::UnaryGates::for_each(collect);
  gates::ParametricGates::for_each(collect);
  gates::BinaryGates::for_each(collect);
  for (const char* name : {"add", "sub", "mul", "div", "max", "min", "pow", "neg", "reciprocal",
                           "exp", "log", "sigmoid", "tanh", "relu", "sqrt", "abs", "sin", "cos",
                           "add_const", "scale"}) {
    EXPECT_TRUE(names.count(name)) << "missing gate " << name;
  }
}

// The lists must be disjoint in shape: each gate is exactly one of unary, parametric, binary.
TEST(GateLists, EachGateHasExactlyOneShape) {
  auto shapes = [&]<class G>() {
    const int n = int{gates::UnaryGate<G>} + int{gates::ParametricGate<G>} +
                  int{gates::BinaryGate<G>};
    EXPECT_EQ(n, 1) << G::name;
  };
  gates::UnaryGates::for_each(shapes);
  gates::ParametricGates::for_each(shapes);
  gates::BinaryGates::for_each(shapes);
}

}  // namespace
}  // namespace gradflow
