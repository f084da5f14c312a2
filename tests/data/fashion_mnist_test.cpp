#include <gradflow/data/fashion_mnist.hpp>
#include <gradflow/data/standardize.hpp>

#include "helpers.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace gradflow::data {
namespace {

using test::error_of;
using test::TempDir;

bool installed() {
  return std::filesystem::exists(std::filesystem::path(fashion_mnist_default_dir) /
                                 "t10k-images-idx3-ubyte.gz");
}

#define SKIP_WITHOUT_FASHION_MNIST()                                                       \
  if (!installed())                                                                        \
  GTEST_SKIP() << "Fashion-MNIST is not installed in " << fashion_mnist_default_dir        \
               << " (Debian package dataset-fashion-mnist: apt-get install dataset-fashion-mnist)"

TEST(FashionMnist, ReadsTheTestSplit) {
  SKIP_WITHOUT_FASHION_MNIST();
  const Dataset test = load_fashion_mnist(Split::test);
  EXPECT_EQ(test.size(), 10000u);
  EXPECT_EQ(test.num_classes, 10);
  EXPECT_EQ(test.inputs.shape, (std::vector<std::int64_t>{10000, 1, 28, 28}));
  std::vector<int> counts(10);
  for (std::int64_t y : test.labels) ++counts.at(static_cast<std::size_t>(y));
  EXPECT_EQ(counts, std::vector<int>(10, 1000));
  const auto& pixels = test.inputs.get<float>();
  const auto [lo, hi] = std::minmax_element(pixels.begin(), pixels.end());
  EXPECT_EQ(*lo, 0.0f);
  EXPECT_EQ(*hi, 1.0f);
}

TEST(FashionMnist, AgreesBitForBitWithTorchReference) {
  SKIP_WITHOUT_FASHION_MNIST();
  const test::Fixture fixture;
  if (!fixture.has("fmnist_test0_standardised")) GTEST_SKIP() << "fixture made without the data";
  Dataset test = load_fashion_mnist(Split::test);
  const auto first20 = fixture.ints("fmnist_test_labels_first20");
  EXPECT_TRUE(std::equal(first20.begin(), first20.end(), test.labels.begin()));
  Standardization::fashion_mnist().apply(test.inputs);
  const auto expected = fixture.doubles("fmnist_test0_standardised");
  const auto& x = test.inputs.get<float>();
  ASSERT_EQ(expected.size(), 784u);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(x[i], static_cast<float>(expected[i])) << "pixel " << i;
  }
}

// The training split's own statistics are the constants torch_reference.py hard-codes.
TEST(FashionMnist, TrainingStatisticsAreTheReferenceConstants) {
  SKIP_WITHOUT_FASHION_MNIST();
  const Dataset train = load_fashion_mnist(Split::train);
  EXPECT_EQ(train.inputs.shape, (std::vector<std::int64_t>{60000, 1, 28, 28}));
  std::vector<int> counts(10);
  for (std::int64_t y : train.labels) ++counts.at(static_cast<std::size_t>(y));
  EXPECT_EQ(counts, std::vector<int>(10, 6000));
  const Standardization s = Standardization::fit(train.inputs);
  EXPECT_NEAR(s.mean[0], fashion_mnist_mean, 5e-4);
  EXPECT_NEAR(s.stddev[0], fashion_mnist_std, 5e-4);
}

TEST(FashionMnist, AMissingDataSetNamesTheDebianPackage) {
  TempDir dir;
  const std::string message = error_of([&] { load_fashion_mnist(Split::train, dir / "absent"); });
  EXPECT_NE(message.find("train-images-idx3-ubyte.gz does not exist. Point to the directory"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("apt-get install dataset-fashion-mnist"), std::string::npos) << message;
}

TEST(FashionMnist, AMissingDataSetNamesTheSettingThatNamedItsDirectory) {
  TempDir dir;
  const std::string absent = dir / "absent";
  const std::string message =
      error_of([&] { load_fashion_mnist(Split::test, absent, "--data-dir"); });
  EXPECT_EQ(message, "Fashion-MNIST not found: " + absent +
                         "/t10k-images-idx3-ubyte.gz does not exist; the directory " + absent +
                         " is named by --data-dir. Point --data-dir to the directory that holds "
                         "the IDX files, or install Debian's dataset-fashion-mnist package "
                         "(apt-get install dataset-fashion-mnist) and point it to "
                         "/usr/share/datasets/fashion-mnist");
}

TEST(FashionMnist, ParseSplit) {
  EXPECT_EQ(parse_split("train"), Split::train);
  EXPECT_EQ(parse_split("test"), Split::test);
  EXPECT_NE(error_of([] { parse_split("validation"); }).find("'validation'"), std::string::npos);
}

// A small stand-in for the data set, written as the Debian package lays it out.
class FakeFashionMnist : public ::testing::Test {
 protected:
  static std::string header(std::vector<std::uint32_t> dims) {
    std::string s{0, 0, 8, static_cast<char>(dims.size())};
    for (std::uint32_t d : dims) {
      for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>(d >> shift);
    }
    return s;
  }
  void write(const std::string& name, const std::string& bytes) {
    gzFile f = gzopen((dir_ / name).c_str(), "wb");
    ASSERT_NE(f, nullptr);
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
  }
  void write_images(std::uint32_t n, std::uint32_t side = 28) {
    std::string pixels(n * side * side, 0);
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<char>(i % 256);
    write("t10k-images-idx3-ubyte.gz", header({n, side, side}) + pixels);
  }
  void write_labels(const std::string& labels) {
    write("t10k-labels-idx1-ubyte.gz",
          header({static_cast<std::uint32_t>(labels.size())}) + labels);
  }
  std::string error() {
    return error_of([&] { load_fashion_mnist(Split::test, dir_.path()); });
  }
  TempDir dir_;
};

TEST_F(FakeFashionMnist, LoadsAWellFormedDirectory) {
  write_images(3);
  write_labels(std::string{0, 9, 4});
  const Dataset d = load_fashion_mnist(Split::test, dir_.path());
  EXPECT_EQ(d.inputs.shape, (std::vector<std::int64_t>{3, 1, 28, 28}));
  EXPECT_EQ(d.labels, (std::vector<std::int64_t>{0, 9, 4}));
  EXPECT_EQ(d.inputs.get<float>()[255], 1.0f);
  EXPECT_EQ(d.inputs.get<float>()[51], 51.0f / 255.0f);
}

TEST_F(FakeFashionMnist, CountsMustAgree) {
  write_images(3);
  write_labels(std::string{0, 1});
  const std::string message = error();
  EXPECT_NE(message.find("holds 2 labels but t10k-images-idx3-ubyte.gz holds 3 images"),
            std::string::npos) << message;
}

TEST_F(FakeFashionMnist, LabelsMustBeClasses) {
  write_images(3);
  write_labels(std::string{0, 10, 1});
  const std::string message = error();
  EXPECT_NE(message.find("label 10 at index 1"), std::string::npos) << message;
  EXPECT_NE(message.find("t10k-labels-idx1-ubyte.gz"), std::string::npos) << message;
}

TEST_F(FakeFashionMnist, ImagesMustBe28By28) {
  write_images(2, 14);
  write_labels(std::string{0, 1});
  EXPECT_NE(error().find("expected N x 28 x 28 images"), std::string::npos);
}

TEST_F(FakeFashionMnist, ATruncatedFileNamesItself) {
  write_images(3);
  write_labels(std::string{0, 1, 2});
  const auto path = dir_ / "t10k-images-idx3-ubyte.gz";
  const std::string whole = test::read_bytes(path);
  test::write_bytes(path, whole.substr(0, whole.size() - 10));
  const std::string message = error();
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("truncated gzip stream"), std::string::npos) << message;
}

TEST_F(FakeFashionMnist, AcceptsUncompressedFiles) {
  write_labels(std::string{7});
  std::string pixels(28 * 28, 0);
  test::write_bytes(dir_ / "t10k-images-idx3-ubyte", header({1, 28, 28}) + pixels);
  EXPECT_EQ(load_fashion_mnist(Split::test, dir_.path()).labels, std::vector<std::int64_t>{7});
}

}  // namespace
}  // namespace gradflow::data
