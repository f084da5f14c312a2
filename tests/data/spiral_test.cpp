#include <gradflow/data/spiral.hpp>

#include "helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>

namespace gradflow::data {
namespace {

using test::error_of;

// The fixture is torch_reference.py's spiral(seed) itself, so equality here is equality there.

TEST(Spiral, IsTheReferenceSpiralBitForBit) {
  const test::Fixture fixture;
  const Spiral s = spiral();
  EXPECT_EQ(s.data.inputs.shape, (std::vector<std::int64_t>{300, 2}));
  EXPECT_EQ(s.data.inputs.get<double>(), fixture.doubles("spiral_seed0_x"));
  EXPECT_EQ(s.data.labels, fixture.ints("spiral_seed0_y"));
  EXPECT_EQ(s.data.num_classes, 3);
}

TEST(Spiral, InitialParametersFollowTheDataInTheStream) {
  const test::Fixture fixture;
  const Spiral s = spiral();
  EXPECT_EQ(s.init.w1.shape, (std::vector<std::int64_t>{2, 100}));
  EXPECT_EQ(s.init.w2.shape, (std::vector<std::int64_t>{100, 3}));
  EXPECT_EQ(s.init.b1.shape, (std::vector<std::int64_t>{1, 100}));
  EXPECT_EQ(s.init.b2.shape, (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(s.init.w1.get<double>(), fixture.doubles("spiral_seed0_w1"));
  EXPECT_EQ(s.init.w2.get<double>(), fixture.doubles("spiral_seed0_w2"));
  EXPECT_EQ(s.init.b1.get<double>(), std::vector<double>(100, 0.0));
  EXPECT_EQ(s.init.b2.get<double>(), std::vector<double>(3, 0.0));
}

// Units in the last place between two doubles of the same sign.
std::int64_t ulp_distance(double a, double b) {
  if (a == b) return 0;  // also +0 == -0
  return std::llabs(std::bit_cast<std::int64_t>(a) - std::bit_cast<std::int64_t>(b));
}

// numpy 1.22-1.26 on an AVX-512 CPU computes sin/cos with Intel's SVML, up to 3 ulp from the
// correctly rounded value; std::sin is glibc's, which numpy uses everywhere else. The angles are
// identical, so the points may differ only by those few ulp (see make_fixtures.py).
TEST(Spiral, WithinAFewUlpOfNumpysAvx512SinCos) {
  const test::Fixture fixture;
  const auto numpy = fixture.doubles("spiral_seed0_x_numpy_default_simd");
  const Spiral s = spiral();
  const auto& x = s.data.inputs.get<double>();
  ASSERT_EQ(numpy.size(), x.size());
  std::int64_t worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    ASSERT_EQ(std::signbit(x[i]), std::signbit(numpy[i])) << i;
    worst = std::max(worst, ulp_distance(x[i], numpy[i]));
  }
  EXPECT_LE(worst, 4);
}

TEST(Spiral, OtherSeedsAndSizes) {
  const test::Fixture fixture;
  const Spiral s = spiral({.seed = 7, .points_per_class = 50, .classes = 4});
  const auto& x = s.data.inputs.get<double>();
  ASSERT_EQ(x.size(), 400u);
  const auto first = fixture.doubles("spiral_seed7_n50_k4_x_first40");
  const auto last = fixture.doubles("spiral_seed7_n50_k4_x_last40");
  EXPECT_TRUE(std::equal(first.begin(), first.end(), x.begin()));
  EXPECT_TRUE(std::equal(last.begin(), last.end(), x.end() - 40));
  const auto& w2 = s.init.w2.get<double>();
  const auto w2_last = fixture.doubles("spiral_seed7_n50_k4_w2_last20");
  EXPECT_TRUE(std::equal(w2_last.begin(), w2_last.end(), w2.end() - 20));
  EXPECT_EQ(s.data.labels.back(), 3);
}

TEST(Spiral, SameSeedSameDataOtherSeedOtherData) {
  const Spiral a = spiral({.seed = 5});
  const Spiral b = spiral({.seed = 5});
  const Spiral c = spiral({.seed = 6});
  EXPECT_EQ(a.data.inputs.get<double>(), b.data.inputs.get<double>());
  EXPECT_NE(a.data.inputs.get<double>(), c.data.inputs.get<double>());
}

TEST(Spiral, OnePointPerClassSitsAtTheCentre) {
  const Spiral s = spiral({.points_per_class = 1, .classes = 2});
  EXPECT_EQ(s.data.inputs.get<double>(), std::vector<double>(4, 0.0));  // radius linspace(0, 1, 1) = 0
}

TEST(Spiral, RefusesEmptySizes) {
  EXPECT_NE(error_of([] { spiral({.points_per_class = 0}); }).find("at least 1"), std::string::npos);
  EXPECT_THROW(spiral({.classes = -1}), Error);
  EXPECT_THROW(spiral({.hidden = 0}), Error);
  EXPECT_THROW(spiral({.points_per_class = 1 << 20, .classes = 1 << 20}), Error);
}

}  // namespace
}  // namespace gradflow::data
