#include <gradflow/data/numpy_random.hpp>

#include "helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace gradflow::data {
namespace {

// Every expectation below is numpy 1.24's output (fixtures/numpy_random.txt), compared exactly.

TEST(NumpyRandom, UniformIsRandomSample) {
  const test::Fixture fixture;
  NumpyRandom random(0);
  for (double expected : fixture.doubles("uniform_seed0")) EXPECT_EQ(random.uniform(), expected);
}

TEST(NumpyRandom, RandnKeepsTheSecondValueOfEachPair) {
  const test::Fixture fixture;
  NumpyRandom random(12345);
  // 7 values then 3: the 8th value comes from the cache filled by the 7th call.
  EXPECT_EQ(random.randn(7), fixture.doubles("randn_seed12345"));
  EXPECT_EQ(random.randn(3), fixture.doubles("randn_seed12345_next"));
}

TEST(NumpyRandom, PermutationIsLegacyShuffle) {
  const test::Fixture fixture;
  NumpyRandom random(3);
  EXPECT_EQ(random.permutation(10), fixture.ints("permutation_seed3_10"));
  const auto next = random.permutation(1000);
  const auto expected = fixture.ints("permutation_seed3_then_1000_first20");
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), next.begin()));
}

TEST(NumpyRandom, IntervalStaysInRange) {
  NumpyRandom random(1);
  EXPECT_EQ(random.interval(0), 0u);
  for (std::uint64_t max : {1ull, 5ull, 255ull, 256ull, 0xffffffffull, 0x1'0000'0001ull, ~0ull}) {
    for (int i = 0; i < 200; ++i) EXPECT_LE(random.interval(max), max);
  }
}

TEST(NumpyRandom, IntervalZeroDrawsNothing) {
  NumpyRandom a(9), b(9);
  a.interval(0);
  EXPECT_EQ(a.uniform(), b.uniform());
}

}  // namespace
}  // namespace gradflow::data
