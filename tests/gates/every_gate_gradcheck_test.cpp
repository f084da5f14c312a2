// Every gate of the three gate lists, at kPointsPerGate random points of its domain:
// - the Var result equals the gate's plain-double forward exactly,
// - backward() delivers exactly the gate's local gradient to each input,
// - gradcheck agrees with centered finite differences.
// A gate added to the lists is checked here with no new test code.

#include "gates/all_gates.hpp"

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace gradflow {
namespace {

constexpr int kPointsPerGate = 50;

// Each gate draws its points from a generator seeded by its name (FNV-1a): the points are the
// same on every run, and adding a gate does not move any other gate's points.
std::uint64_t seed_for(std::string_view name) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// A point of a domain: uniform on [lo, hi]; with either_sign, that magnitude with a random sign.
double draw(const gates::Domain& d, std::mt19937_64& rng) {
  const double magnitude = std::uniform_real_distribution<double>(d.lo, d.hi)(rng);
  if (!d.either_sign) return magnitude;
  return std::bernoulli_distribution(0.5)(rng) ? magnitude : -magnitude;
}

// One gate at one point: the inputs that are Vars, how to apply the gate to them, the forward
// value in plain doubles and the local gradient with respect to each Var input.
struct GateCase {
  std::vector<double> point;
  ScalarFunction f;
  double expected_value;
  std::vector<double> expected_grads;
  std::string description;
};

template <class G>
GateCase make_case(std::mt19937_64& rng) {
  std::ostringstream where;
  where.precision(17);
  if constexpr (gates::UnaryGate<G>) {
    const double x = draw(G::domain, rng);
    const double out = G::forward(x);
    where << G::name << "(" << x << ")";
    return {{x},
            [](std::span<const Var> v) { return apply<G>(v[0]); },
            out,
            {G::local_grad(x, out)},
            where.str()};
  } else if constexpr (gates::ParametricGate<G>) {
    const double x = draw(G::domain, rng);
    const double c = draw(G::param_domain, rng);
    const double out = G::forward(x, c);
    where << G::name << "(" << x << "; c = " << c << ")";
    return {{x},
            [c](std::span<const Var> v) { return apply<G>(v[0], c); },
            out,
            {G::local_grad(x, c, out)},
            where.str()};
  } else {
    static_assert(gates::BinaryGate<G>, "every gate of the lists has one of the three shapes");
    const double x = draw(G::domain_x, rng);
    const double y = draw(G::domain_y, rng);
    const double out = G::forward(x, y);
    const gates::Partials p = G::local_grad(x, y, out);
    where << G::name << "(" << x << ", " << y << ")";
    return {{x, y},
            [](std::span<const Var> v) { return apply<G>(v[0], v[1]); },
            out,
            {p.dx, p.dy},
            where.str()};
  }
}

template <class G>
class EveryGate : public ::testing::Test {
 protected:
  void TearDown() override { new_graph(); }
};
TYPED_TEST_SUITE(EveryGate, testing_support::AllGates, testing_support::GateTypeNames);

TYPED_TEST(EveryGate, VarValueEqualsPlainDoubleForwardAndGradEqualsLocalGrad) {
  std::mt19937_64 rng(seed_for(TypeParam::name));
  for (int i = 0; i < kPointsPerGate; ++i) {
    const GateCase c = make_case<TypeParam>(rng);
    SCOPED_TRACE(c.description);
    new_graph();
    const std::vector<Var> xs = Var::leaves(c.point);
    const Var out = c.f(xs);
    EXPECT_EQ(out.value(), c.expected_value);
    ASSERT_FALSE(out.is_constant());
    out.backward();
    for (std::size_t k = 0; k < xs.size(); ++k) EXPECT_EQ(xs[k].grad(), c.expected_grads[k]);
  }
}

TYPED_TEST(EveryGate, GradcheckPassesAtRandomPointsOfItsDomain) {
  std::mt19937_64 rng(seed_for(TypeParam::name));
  int passed = 0;
  for (int i = 0; i < kPointsPerGate; ++i) {
    const GateCase c = make_case<TypeParam>(rng);
    const GradcheckResult result = gradcheck(c.f, c.point);
    EXPECT_TRUE(result.passed) << c.description << "\n" << result.report();
    EXPECT_EQ(result.value, c.expected_value) << c.description;
    ASSERT_EQ(result.inputs.size(), c.point.size());
    for (std::size_t k = 0; k < c.point.size(); ++k) {
      EXPECT_EQ(result.inputs[k].analytic, c.expected_grads[k]) << c.description;
    }
    passed += result.passed ? 1 : 0;
  }
  EXPECT_EQ(passed, kPointsPerGate);
}

template <class G>
std::vector<gates::Domain> domains_of() {
  if constexpr (gates::UnaryGate<G>) {
    return {G::domain};
  } else if constexpr (gates::ParametricGate<G>) {
    return {G::domain, G::param_domain};
  } else {
    return {G::domain_x, G::domain_y};
  }
}

TYPED_TEST(EveryGate, SampledPointsCoverTheDomainOnBothSignsWhereAsked) {
  // Guards the sampler itself: points lie in the domain, and a domain marked either_sign is
  // really tested on both sides of 0.
  std::mt19937_64 rng(seed_for(TypeParam::name));
  for (const gates::Domain& d : domains_of<TypeParam>()) {
    int negative = 0;
    for (int i = 0; i < kPointsPerGate; ++i) {
      const double v = draw(d, rng);
      const double magnitude = d.either_sign ? std::fabs(v) : v;
      EXPECT_GE(magnitude, d.lo);
      EXPECT_LE(magnitude, d.hi);
      negative += v < 0.0 ? 1 : 0;
    }
    if (d.either_sign) {
      EXPECT_GT(negative, 0);
      EXPECT_LT(negative, kPointsPerGate);
    }
  }
}

}  // namespace
}  // namespace gradflow
