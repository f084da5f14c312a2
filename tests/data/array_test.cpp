#include <gradflow/data/array.hpp>
#include <gradflow/data/dataset.hpp>

#include "helpers.hpp"

#include <gtest/gtest.h>

namespace gradflow::data {
namespace {

using test::error_of;

TEST(Array, HoldsValuesOfItsShape) {
  Array a({2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6});
  EXPECT_EQ(a.dtype(), DType::Float32);
  EXPECT_EQ(a.numel(), 6u);
  EXPECT_EQ(a.get<float>()[5], 6.0f);
  Array scalar({}, std::vector<double>{2.5});
  EXPECT_EQ(scalar.numel(), 1u);
  EXPECT_EQ(Array().numel(), 0u);
}

TEST(Array, RefusesAShapeThatDoesNotMatchTheValues) {
  EXPECT_NE(error_of([] { Array({2, 3}, std::vector<double>(5)); }).find("[2,3] holds 6"),
            std::string::npos);
  EXPECT_NE(error_of([] { Array({-1}, std::vector<std::int64_t>{}); }).find("negative"),
            std::string::npos);
  EXPECT_THROW(Array::zeros({2, -3}, DType::Float64), Error);
}

TEST(Array, GetOfTheWrongTypeNamesBoth) {
  const Array a = Array::zeros({4}, DType::Int64);
  EXPECT_EQ(a.get<std::int64_t>().size(), 4u);
  const std::string message = error_of([&] { (void)a.get<float>(); });
  EXPECT_NE(message.find("F32"), std::string::npos) << message;
  EXPECT_NE(message.find("I64"), std::string::npos) << message;
}

TEST(Array, TheVectorCanBeMovedOut) {
  Array a({3}, std::vector<double>{1, 2, 3});
  const double* data = a.get<double>().data();
  std::vector<double> taken = std::move(a.get<double>());
  EXPECT_EQ(taken.data(), data);  // no copy
}

TEST(Array, DTypeNamesAndSizes) {
  EXPECT_EQ(dtype_name(DType::Float32), "F32");
  EXPECT_EQ(dtype_name(DType::Float64), "F64");
  EXPECT_EQ(dtype_name(DType::Int64), "I64");
  EXPECT_EQ(dtype_size(DType::Float32), 4u);
  EXPECT_EQ(dtype_size(DType::Int64), 8u);
  EXPECT_EQ(shape_string({}), "[]");
}

TEST(Gather, TakesRowsInTheOrderGiven) {
  Dataset d;
  d.inputs = Array({3, 2}, std::vector<double>{0, 1, 10, 11, 20, 21});
  d.labels = {0, 1, 2};
  d.num_classes = 3;
  const std::vector<std::int64_t> idx{2, 0, 2};
  const Dataset g = gather(d, idx);
  EXPECT_EQ(g.inputs.shape, (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(g.inputs.get<double>(), (std::vector<double>{20, 21, 0, 1, 20, 21}));
  EXPECT_EQ(g.labels, (std::vector<std::int64_t>{2, 0, 2}));
  EXPECT_EQ(g.num_classes, 3);
}

TEST(Gather, RefusesIndicesOutOfRange) {
  const Array a({2, 2}, std::vector<float>{1, 2, 3, 4});
  const std::vector<std::int64_t> bad{0, 2};
  EXPECT_NE(error_of([&] { gather_rows(a, bad); }).find("index 2 is outside [0, 2)"),
            std::string::npos);
  const std::vector<std::int64_t> negative{-1};
  EXPECT_THROW(gather_rows(a, negative), Error);
  Dataset d;
  d.inputs = a;
  d.labels = {0};  // 2 rows, 1 label
  const std::vector<std::int64_t> first{0};
  EXPECT_THROW(gather(d, first), Error);
}

}  // namespace
}  // namespace gradflow::data
