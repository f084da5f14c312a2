// Bad input to the tensor ops, one table: sizes whose arithmetic would overflow int64 (undefined
// behaviour, caught by UBSan, unless checked), bounds and axis lists that make no sense. Each
// case must throw gradflow::Error naming the op and the offending values.

#include <gradflow/gradflow.hpp>
#include <gradflow/tensor/tensor.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

namespace gradflow {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t k2to62 = std::int64_t{1} << 62;
constexpr std::int64_t k2to40 = std::int64_t{1} << 40;
constexpr std::int64_t k2to30 = std::int64_t{1} << 30;

struct BadInput {
  std::string name;
  std::string op;  // the message must start "op: "
  std::function<void()> call;
  std::vector<std::string> parts;  // the meaningful parts of the message, each found in it
};

std::ostream& operator<<(std::ostream& os, const BadInput& c) { return os << c.name; }

const Tensor& image() {
  static const Tensor x = Tensor::ones({1, 1, 4, 4});
  return x;
}

// 2^40 images and 2^30 filters of one pixel each, as views: nothing that large is allocated.
Tensor huge_batch() { return Tensor::ones({1, 1, 1, 1}).expand({k2to40, 1, 1, 1}); }
Tensor many_filters() { return Tensor::ones({1, 1, 1, 1}).expand({k2to30, 1, 1, 1}); }

const BadInput kBadInputs[] = {
    // ---- sizes that overflow int64
    {"zeros_2to80", "zeros", [] { (void)Tensor::zeros({k2to40, k2to40}); },
     {"shape [1099511627776,1099511627776] has more elements than fit in int64"}},
    {"zeros_2to64", "zeros", [] { (void)Tensor::zeros({k2to62, 4}); },
     {"shape [4611686018427387904,4] has more elements than fit in int64"}},
    {"zeros_bytes_wrap", "zeros", [] { (void)Tensor::zeros({k2to62}); },
     {"shape [4611686018427387904] of Float32 needs"}},
    {"ones_2to80", "ones", [] { (void)Tensor::ones({k2to40, k2to40}); },
     {"more elements than fit in int64"}},
    {"full_2to80", "full", [] { (void)Tensor::full({k2to40, k2to40}, 2.0); },
     {"more elements than fit in int64"}},
    {"empty_2to80", "empty", [] { (void)Tensor::empty({k2to40, k2to40}); },
     {"more elements than fit in int64"}},
    {"randn_2to80", "randn", [] { (void)Tensor::randn({k2to40, k2to40}); },
     {"more elements than fit in int64"}},
    {"rand_2to80", "rand", [] { (void)Tensor::rand({k2to40, k2to40}); },
     {"more elements than fit in int64"}},
    // An empty tensor too: its strides (a 0 extent counted as 1) must fit.
    {"zeros_empty_2to80", "zeros", [] { (void)Tensor::zeros({k2to40, 0, k2to40}); },
     {"shape [1099511627776,0,1099511627776]: its nonzero extents multiply to more than fit in "
      "int64"}},
    {"reshape_empty_2to80", "reshape",
     [] { (void)Tensor::zeros({0}).reshape({k2to40, 0, k2to40}); },
     {"[1099511627776,0,1099511627776]", "nonzero extents multiply to more than fit in int64"}},
    {"tensor_2to80", "tensor", [] { (void)tensor({1}, {k2to40, k2to40}); },
     {"shape [1099511627776,1099511627776] has more elements than fit in int64"}},
    {"expand_2to64", "expand", [] { (void)Tensor::ones({4}).expand({k2to62, 4}); },
     {"shape [4611686018427387904,4] has more elements than fit in int64"}},
    {"expand_negative", "expand", [] { (void)Tensor::ones({1}).expand({-1}); },
     {"negative extent in shape [-1]"}},
    {"broadcast_2to80", "add",
     [] {
       const Tensor one = Tensor::ones({1, 1});
       (void)(one.expand({k2to40, 1}) + one.expand({1, k2to40}));
     },
     {"[1099511627776,1099511627776]", "[1099511627776,1]", "[1,1099511627776]",
      "more elements than fit in int64"}},
    {"reshape_huge", "reshape", [] { (void)Tensor::ones({2, 3}).reshape({kMax, 2}); },
     {"[9223372036854775807,2]", "more elements than fit in int64"}},
    {"reshape_huge_inferred", "reshape",
     [] { (void)Tensor::ones({2, 3}).reshape({kMax, 2, -1}); },
     {"[9223372036854775807,2,-1]", "more elements than fit in int64"}},
    {"reshape_mismatch", "reshape", [] { (void)Tensor::ones({2, 3}).reshape({4, -1}); },
     {"cannot reshape [2,3] (6 elements) to [4,-1]"}},
    {"arange_1e30", "arange", [] { (void)Tensor::arange(0, 1e30, 1); },
     {"elements, more than fit in int64"}},
    {"arange_range_overflows_double", "arange",
     [] { (void)Tensor::arange(-1e308, 1e308, 1e-10); },
     {"inf elements, more than fit in int64"}},
    {"conv2d_huge_padding", "conv2d",
     [] { (void)conv2d(image(), Tensor::ones({1, 1, 3, 3}), Tensor(), kMax, kMax / 2); },
     {"input [1,1,4,4], weight [1,1,3,3]: padding 4611686018427387903 makes the padded input "
      "larger than int64 can count"}},
    {"conv2d_columns_overflow", "conv2d",
     [] { (void)conv2d(image(), Tensor::ones({1, 1, 3, 3}), Tensor(), 1, std::int64_t{1} << 40); },
     {"input [1,1,4,4], weight [1,1,3,3]: with stride 1 and padding 1099511627776"}},
    // The batch's output shape, [2^40,2^30,1,1], is computed: no tensor checked it.
    {"conv2d_output_overflow", "conv2d",
     [] { (void)conv2d(huge_batch(), many_filters(), Tensor(), 1, 0); },
     {"output [1099511627776,1073741824,1,1]", "more elements than int64 can count"}},
    {"conv2d_max_pool2d_output_overflow", "conv2d_max_pool2d",
     [] { (void)conv2d_max_pool2d(huge_batch(), many_filters(), Tensor(), 1, 0, 1, 1, 0); },
     {"output [1099511627776,1073741824,1,1]", "more elements than int64 can count"}},
    {"max_pool2d_huge_padding", "max_pool2d",
     [] { (void)max_pool2d(image(), kMax, 1, kMax / 2 + 1); },
     {"kernel 9223372036854775807, stride 1, padding 4611686018427387904: need"}},
    {"cat_extents_overflow", "cat",
     [] {
       const Tensor big = Tensor::ones({1}).expand({k2to62});
       (void)cat({big, big}, 0);
     },
     {"the extents along axis 0 of the 2 tensors (the first [4611686018427387904]) add up to "
      "more than fit in int64"}},
    {"gather_index_1e30", "gather",
     [] { (void)gather(Tensor::ones({2, 3}), 1, tensor({1e30, 0}, {2, 1}, DType::Float64)); },
     {"at position 0 is out of range"}},
    // ---- axis lists and bounds
    {"sum_repeated_axis", "sum", [] { (void)sum(Tensor::ones({2, 3}), {0, 0}); },
     {"axis 0 appears twice in axes [0,0] for shape [2,3]"}},
    {"sum_repeated_negative_axis", "sum", [] { (void)sum(Tensor::ones({2, 3}), {1, -1}); },
     {"axis -1 appears twice in axes [1,-1]"}},
    {"mean_repeated_axis", "mean", [] { (void)mean(Tensor::ones({2, 3}), {1, 1}); },
     {"axis 1 appears twice"}},
    {"max_repeated_axis", "max", [] { (void)max(Tensor::ones({2, 3}), {0, -2}); },
     {"axis -2 appears twice"}},
    {"min_repeated_axis", "min", [] { (void)min(Tensor::ones({2, 3}), {0, 0}, true); },
     {"axis 0 appears twice"}},
    {"clamp_nan_lower", "clamp", [] { (void)clamp(Tensor::ones({2}), NAN, 1); },
     {"a bound is NaN"}},
    {"clamp_nan_upper", "clamp", [] { (void)clamp(Tensor::ones({2}), 0, NAN); },
     {"a bound is NaN"}},
    {"clamp_min_nan", "clamp_min", [] { (void)clamp_min(Tensor::ones({2}), NAN); }, {"NaN"}},
    {"clamp_max_nan", "clamp_max", [] { (void)clamp_max(Tensor::ones({2}), NAN); }, {"NaN"}},
    {"clamp_min_above_max", "clamp", [] { (void)clamp(Tensor::ones({2}), 2, 1); },
     {"lower bound 2 is above upper bound 1"}},
    {"clamp_min_undefined", "clamp_min", [] { (void)clamp_min(Tensor(), 0); }, {"undefined"}},
    // ---- a margin that is not finite: NaN or infinite losses unchecked (0 or inf in PyTorch)
    {"hinge_loss_nan_margin", "hinge_loss",
     [] { (void)hinge_loss(Tensor::ones({2, 3}), {0, 1}, NAN); },
     {"margin must be finite, got nan"}},
    {"hinge_loss_inf_margin", "hinge_loss",
     [] { (void)hinge_loss(Tensor::ones({2, 3}), {0, 1}, INFINITY); },
     {"margin must be finite, got inf"}},
    {"multi_margin_loss_minus_inf_margin", "multi_margin_loss",
     [] { (void)multi_margin_loss(Tensor::ones({2, 3}), {0, 1}, -INFINITY); },
     {"margin must be finite, got -inf"}},
};

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, ThrowsErrorNamingTheOp) {
  const BadInput& c = GetParam();
  try {
    c.call();
    ADD_FAILURE() << "no Error thrown; expected one from " << c.op;
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(c.op + ": ", 0), 0u) << "the op is not named first: " << message;
    for (const std::string& part : c.parts) {
      EXPECT_NE(message.find(part), std::string::npos) << "no \"" << part << "\" in: " << message;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Tensor, BadInputTest, ::testing::ValuesIn(kBadInputs),
                         [](const auto& param_info) { return param_info.param.name; });

// Numbers in messages are spelled compactly: std::to_string(1e30) is
// "1000000000000000019884624838656.000000".
TEST(BadInputMessages, SpellHugeNumbersCompactly) {
  const std::function<void()> calls[] = {
      [] { (void)Tensor::arange(0, 1e30, 1); },
      [] { (void)gather(Tensor::ones({2, 3}), 1, tensor({1e30, 0}, {2, 1}, DType::Float64)); },
  };
  for (const auto& call : calls) {
    try {
      call();
      ADD_FAILURE() << "no Error thrown";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).find("0000000000"), std::string::npos) << e.what();
    }
  }
}

// A message's advice does not suggest the op that failed: clamp's NaN advice names clamp_min and
// clamp_max, theirs must not.
TEST(BadInputMessages, AdviceDoesNotSuggestTheFailingOp) {
  for (const char* op : {"clamp_min", "clamp_max"}) {
    try {
      (void)(op == std::string("clamp_min") ? clamp_min(Tensor::ones({2}), NAN)
                                            : clamp_max(Tensor::ones({2}), NAN));
      ADD_FAILURE() << op << ": no Error thrown";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).find(op, 1), std::string::npos) << e.what();
    }
  }
}

// The sizes next to the bad ones still work, without overflowing on the way.
TEST(SizeLimits, LargeButValidSizesWork) {
  // A huge step takes one element: (end - start + step - 1) / step would overflow.
  const Tensor s = Tensor::ones({2, 3}).slice(1, 0, 3, kMax);
  EXPECT_EQ(s.shape(), (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(Tensor::arange(0, 10, 3).to_vector(), (std::vector<double>{0, 3, 6, 9}));
  EXPECT_EQ(Tensor::ones({2, 3}).slice(1, 1, 3, 2).shape(), (std::vector<std::int64_t>{2, 1}));
  // An empty tensor's nonzero extents may multiply up to INT64_MAX.
  EXPECT_EQ(Tensor::zeros({k2to40, 0, 1 << 20}).numel(), 0);
  EXPECT_EQ(Tensor::zeros({0, 4}).reshape({k2to40, 0, 1 << 20}).numel(), 0);
  // An expanded view may have more elements than memory: no allocation is made.
  EXPECT_EQ(Tensor::ones({4}).expand({k2to40, 4}).numel(), k2to40 * 4);
  // A kernel of INT64_MAX fits an input padded by INT64_MAX / 2 on each side: 4 windows a row.
  EXPECT_EQ(max_pool2d(image(), kMax, 1, kMax / 2).shape(),
            (std::vector<std::int64_t>{1, 1, 4, 4}));
  // A large stride with no padding is one window.
  EXPECT_EQ(conv2d(image(), Tensor::ones({1, 1, 3, 3}), Tensor(), kMax, 0).item(), 9.0);
}

// The one int64 rule for shapes: the extents multiply to at most INT64_MAX, a 0 counted as 1.
TEST(SizeLimits, ExtentsFitInt64CountsAZeroAsOne) {
  EXPECT_TRUE(extents_fit_int64({}));
  EXPECT_TRUE(extents_fit_int64({kMax}));
  EXPECT_TRUE(extents_fit_int64({k2to62, 0, 1}));
  EXPECT_FALSE(extents_fit_int64({k2to62, 2}));
  EXPECT_FALSE(extents_fit_int64({k2to40, 0, k2to40}));
  EXPECT_EQ(Shape({k2to62, 0, 1}).numel(), 0);
}

// check_shape counts the elements as numel() does, and a negative extent is named as such even
// where the extents before it already overflow.
TEST(SizeLimits, CheckShapeCountsAndNamesANegativeExtentFirst) {
  EXPECT_EQ(check_shape({}, "op"), 1);
  EXPECT_EQ(check_shape({2, 3, 4}, "op"), 24);
  EXPECT_EQ(check_shape({k2to62, 0, 1}, "op"), 0);
  EXPECT_EQ(check_shape({kMax}, "op"), kMax);
  try {
    (void)check_shape({k2to62, 4, -1}, "op");
    ADD_FAILURE() << "no Error thrown";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "op: negative extent in shape [4611686018427387904,4,-1]");
  }
}

// A size that fits every check but that no system can allocate (2^61 bytes, beyond any address
// space) is an Error naming the factory, the shape and the bytes, not a bare std::bad_alloc.
TEST(SizeLimits, ARefusedAllocationNamesTheOpAndTheShape) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan reports an allocation this large as an error of its own and stops";
#else
  const std::int64_t n = std::int64_t{1} << 58;  // float64: 2^61 bytes, below PTRDIFF_MAX
  try {
    (void)Tensor::zeros({n}, DType::Float64);
    ADD_FAILURE() << "no Error thrown";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("zeros: out of memory", 0), 0U) << what;
    EXPECT_NE(what.find("[" + std::to_string(n) + "]"), std::string::npos) << what;
    EXPECT_NE(what.find(std::to_string(n * 8)), std::string::npos) << what;
  }
  // Nothing was half made: the next allocation works.
  EXPECT_EQ(Tensor::zeros({3}).numel(), 3);
#endif
}

}  // namespace
}  // namespace gradflow
