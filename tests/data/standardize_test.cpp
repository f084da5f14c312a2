#include <gradflow/data/standardize.hpp>

#include "helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace gradflow::data {
namespace {

using test::error_of;

TEST(Standardization, OverAllElements) {
  const Array train({2, 2}, std::vector<double>{1, 2, 3, 6});
  const Standardization s = Standardization::fit(train);
  ASSERT_EQ(s.mean.size(), 1u);
  EXPECT_DOUBLE_EQ(s.mean[0], 3.0);
  EXPECT_DOUBLE_EQ(s.stddev[0], std::sqrt(3.5));  // population std: (4 + 1 + 0 + 9) / 4
}

TEST(Standardization, PerFeatureUsesTheTrainingStatisticsForEverySplit) {
  Array train({3, 2}, std::vector<double>{1, 10, 2, 10, 3, 10});
  Array test({1, 2}, std::vector<double>{4, 11});
  const Standardization s = Standardization::fit(train, StatsOver::per_feature);
  EXPECT_EQ(s.mean, (std::vector<double>{2, 10}));
  EXPECT_DOUBLE_EQ(s.stddev[0], std::sqrt(2.0 / 3.0));
  EXPECT_EQ(s.stddev[1], 1.0);  // constant feature: 1, not 0
  s.apply(train);
  s.apply(test);
  const auto& x = train.get<double>();
  EXPECT_DOUBLE_EQ(x[0] + x[2] + x[4], 0.0);
  EXPECT_EQ(x[1], 0.0);
  EXPECT_DOUBLE_EQ(test.get<double>()[0], 2.0 / std::sqrt(2.0 / 3.0));
  EXPECT_EQ(test.get<double>()[1], 1.0);
}

TEST(Standardization, StandardizeFitsOnTrainOnly) {
  Array train({4}, std::vector<double>{0, 2, 0, 2});
  Array test({2}, std::vector<double>{100, 1});
  const Standardization s = standardize(train, test);
  EXPECT_EQ(s.mean, std::vector<double>{1});
  EXPECT_EQ(s.stddev, std::vector<double>{1});
  EXPECT_EQ(train.get<double>(), (std::vector<double>{-1, 1, -1, 1}));
  EXPECT_EQ(test.get<double>(), (std::vector<double>{99, 0}));
}

TEST(Standardization, FitOfImagesIsPerPixel) {
  const Array images({2, 1, 2, 2}, std::vector<float>{0, 1, 2, 3, 2, 3, 4, 5});
  const Standardization s = Standardization::fit(images, StatsOver::per_feature);
  EXPECT_EQ(s.mean, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(s.stddev, (std::vector<double>{1, 1, 1, 1}));
}

TEST(Standardization, Float32IsComputedAsPyTorchDoes) {
  Array x({3}, std::vector<float>{0.0f, 0.5f, 1.0f});
  Standardization::fashion_mnist().apply(x);
  for (std::size_t i = 0; i < 3; ++i) {
    const float v = std::vector<float>{0.0f, 0.5f, 1.0f}[i];
    EXPECT_EQ(x.get<float>()[i], (v - 0.2860f) / 0.3530f);
  }
}

TEST(Standardization, FashionMnistConstants) {
  const Standardization s = Standardization::fashion_mnist();
  EXPECT_EQ(s.mean, std::vector<double>{0.2860});
  EXPECT_EQ(s.stddev, std::vector<double>{0.3530});
}

TEST(Standardization, Misuse) {
  const Array ints({2}, std::vector<std::int64_t>{1, 2});
  EXPECT_NE(error_of([&] { Standardization::fit(ints); }).find("I64"), std::string::npos);
  EXPECT_THROW(Standardization::fit(Array::zeros({0, 3}, DType::Float32)), Error);
  const Standardization three = Standardization::fit(Array({1, 3}, std::vector<double>{1, 2, 3}),
                                                     StatsOver::per_feature);
  Array four({1, 4}, std::vector<double>{1, 2, 3, 4});
  EXPECT_NE(error_of([&] { three.apply(four); }).find("fitted on 3 features"), std::string::npos);
  Array other = Array::zeros({2}, DType::Float32);
  EXPECT_THROW(Standardization{}.apply(other), Error);
}

}  // namespace
}  // namespace gradflow::data
