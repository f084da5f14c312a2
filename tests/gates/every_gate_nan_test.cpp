// NaN flows through every gate as NaN, as in IEEE arithmetic: a NaN input never turns into a
// number (relu(NaN) = 0 or max(NaN, 1) = 1 would hide where a computation went wrong).

#include "gates/all_gates.hpp"

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace gradflow {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <class G>
class EveryGateWithNaN : public ::testing::Test {
 protected:
  void TearDown() override { new_graph(); }
};
TYPED_TEST_SUITE(EveryGateWithNaN, testing_support::AllGates, testing_support::GateTypeNames);

// The other argument is the top of its domain: not 0 or 1, where pow(NaN, 0) = pow(1, NaN) = 1
// by IEEE rules.
TYPED_TEST(EveryGateWithNaN, NaNInputGivesNaNValue) {
  using G = TypeParam;
  if constexpr (gates::UnaryGate<G>) {
    EXPECT_TRUE(std::isnan(G::forward(kNaN)));
    EXPECT_TRUE(std::isnan(apply<G>(Var(kNaN)).value()));
  } else if constexpr (gates::ParametricGate<G>) {
    const double c = G::param_domain.hi;
    EXPECT_TRUE(std::isnan(G::forward(kNaN, c)));
    EXPECT_TRUE(std::isnan(apply<G>(Var(kNaN), c).value()));
  } else {
    const double x = G::domain_x.hi;
    const double y = G::domain_y.hi;
    EXPECT_TRUE(std::isnan(G::forward(kNaN, y))) << "NaN as the first argument";
    EXPECT_TRUE(std::isnan(G::forward(x, kNaN))) << "NaN as the second argument";
    EXPECT_TRUE(std::isnan(apply<G>(Var(kNaN), Var(y)).value()));
    EXPECT_TRUE(std::isnan(apply<G>(Var(x), Var(kNaN)).value()));
  }
}

}  // namespace
}  // namespace gradflow
