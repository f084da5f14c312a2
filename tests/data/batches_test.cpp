#include <gradflow/data/batches.hpp>

#include "helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

namespace gradflow::data {
namespace {

std::vector<std::int64_t> epoch(BatchSampler& sampler) {
  sampler.start_epoch();
  std::vector<std::int64_t> all;
  for (std::size_t b = 0; b < sampler.num_batches(); ++b) {
    const auto batch = sampler.batch(b);
    all.insert(all.end(), batch.begin(), batch.end());
  }
  return all;
}

TEST(BatchSampler, KeepsTheLastPartialBatch) {
  BatchSampler sampler(10, 4, 1);
  sampler.start_epoch();
  ASSERT_EQ(sampler.num_batches(), 3u);
  EXPECT_EQ(sampler.batch(0).size(), 4u);
  EXPECT_EQ(sampler.batch(1).size(), 4u);
  EXPECT_EQ(sampler.batch(2).size(), 2u);
}

TEST(BatchSampler, EachEpochVisitsEverySampleOnceInANewOrder) {
  BatchSampler sampler(1000, 64, 42);
  const auto first = epoch(sampler);
  const auto second = epoch(sampler);
  EXPECT_NE(first, second);
  for (auto order : {first, second}) {
    std::sort(order.begin(), order.end());
    std::vector<std::int64_t> all(1000);
    std::iota(all.begin(), all.end(), 0);
    EXPECT_EQ(order, all);
  }
}

TEST(BatchSampler, SeededAsNumpyPermutation) {
  const test::Fixture fixture;
  BatchSampler sampler(10, 3, 3);
  EXPECT_EQ(epoch(sampler), fixture.ints("permutation_seed3_10"));
  BatchSampler again(10, 3, 3);
  EXPECT_EQ(epoch(again), fixture.ints("permutation_seed3_10"));
}

TEST(BatchSampler, WithoutShufflingInOrder) {
  BatchSampler sampler(5, 2, 0, /*shuffle=*/false);
  EXPECT_EQ(epoch(sampler), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(epoch(sampler), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
}

TEST(BatchSampler, EdgeCases) {
  EXPECT_THROW(BatchSampler(10, 0), Error);
  BatchSampler none(0, 8);
  none.start_epoch();
  EXPECT_EQ(none.num_batches(), 0u);
  EXPECT_THROW(none.batch(0), Error);
  BatchSampler whole(5, 100);
  whole.start_epoch();
  EXPECT_EQ(whole.num_batches(), 1u);
  EXPECT_EQ(whole.batch(0).size(), 5u);
  BatchSampler huge(5, SIZE_MAX);
  EXPECT_EQ(huge.num_batches(), 1u);
}

}  // namespace
}  // namespace gradflow::data
