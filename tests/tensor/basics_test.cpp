// Tensor basics: factories, shapes, views, broadcasting, values of the ops, and error messages.

#include "helpers.hpp"

#include <gradflow/gradflow.hpp>
#include <gradflow/tensor/tensor.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <string_view>

namespace gradflow {
namespace {

using test::expect_error;

void expect_values(const Tensor& t, const std::vector<double>& want, double tol = 1e-6) {
  const std::vector<double> got = t.to_vector();
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

TEST(TensorBasics, FactoriesShapesAndValues) {
  const Tensor z = Tensor::zeros({2, 3});
  EXPECT_EQ(z.shape(), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(z.dtype(), DType::Float32);
  EXPECT_EQ(z.numel(), 6);
  expect_values(Tensor::ones({2}, DType::Float64), {1, 1});
  expect_values(Tensor::full({2}, 2.5), {2.5, 2.5});
  expect_values(Tensor::arange(4), {0, 1, 2, 3});
  expect_values(Tensor::arange(1, 2, 0.25), {1, 1.25, 1.5, 1.75});
  const Tensor t = tensor({1, 2, 3, 4, 5, 6}, {2, 3}, DType::Float64);
  EXPECT_EQ(t.dtype(), DType::Float64);
  expect_values(t, {1, 2, 3, 4, 5, 6});
  EXPECT_DOUBLE_EQ(scalar_tensor(3.0).item(), 3.0);
  EXPECT_EQ(scalar_tensor(3.0).dim(), 0);
}

TEST(TensorBasics, ADTypePrintsItsName) {
  std::ostringstream os;
  os << DType::Float64 << ' ' << Tensor::zeros({2}).dtype();
  EXPECT_EQ(os.str(), "Float64 Float32");
}

TEST(TensorBasics, RandnIsSeedable) {
  EXPECT_EQ(Tensor::randn({3, 4}, 7).to_vector(), Tensor::randn({3, 4}, 7).to_vector());
  EXPECT_NE(Tensor::randn({3, 4}, 7).to_vector(), Tensor::randn({3, 4}, 8).to_vector());
  Generator g1(5), g2(5);
  EXPECT_EQ(Tensor::randn({10}, g1).to_vector(), Tensor::randn({10}, g2).to_vector());
  manual_seed(1);
  const auto a = Tensor::randn({4}).to_vector();
  manual_seed(1);
  EXPECT_EQ(a, Tensor::randn({4}).to_vector());
  // Roughly standard normal.
  const Tensor big = Tensor::randn({20000}, 1, DType::Float64);
  EXPECT_NEAR(mean(big).item(), 0.0, 0.05);
  EXPECT_NEAR(mean(big * big).item(), 1.0, 0.05);
}

TEST(TensorBasics, ViewsShareValuesAndWalkStrides) {
  const Tensor t = tensor({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor tt = t.t();
  EXPECT_EQ(tt.shape(), (std::vector<std::int64_t>{3, 2}));
  EXPECT_FALSE(tt.is_contiguous());
  expect_values(tt, {1, 4, 2, 5, 3, 6});
  expect_values(t.reshape({3, 2}), {1, 2, 3, 4, 5, 6});
  expect_values(tt.reshape({6}), {1, 4, 2, 5, 3, 6});
  expect_values(t.slice(1, 0, 3, 2), {1, 3, 4, 6});
  expect_values(t[1], {4, 5, 6});
  expect_values(t.select(1, -1), {3, 6});
  expect_values(t.permute({1, 0}).contiguous(), {1, 4, 2, 5, 3, 6});
  expect_values(t.unsqueeze(0).squeeze(0), {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(t.flatten().shape(), (std::vector<std::int64_t>{6}));
  expect_values(tensor({1, 2}, {2, 1}).expand({2, 3}), {1, 1, 1, 2, 2, 2});
  expect_error([&] { (void)tt.view({6}); }, "not contiguous");
  expect_error([&] { (void)t.reshape({4, 2}); }, "cannot reshape [2,3]");
}

TEST(TensorBasics, InPlaceWritesThroughAnExpandedViewAreRefused) {
  // Each column of the [4,3] view is one memory location: add_ would add 4 times and copy_
  // keep the last row, silently. The base is left as it was.
  Tensor base = Tensor::zeros({1, 3});
  const Tensor wide = base.expand({4, 3});
  const std::string why = "is an expanded view (axis 0's 4 elements are one memory location)";
  expect_error([&] { Tensor(wide).add_(Tensor::ones({4, 3})); },
               "add_: this tensor of shape [4,3] " + why);
  expect_error([&] { Tensor(wide).sub_(Tensor::ones({4, 3})); }, "sub_: this tensor");
  expect_error([&] { Tensor(wide).mul_(2.0); }, "mul_: this tensor of shape [4,3] " + why);
  expect_error([&] { Tensor(wide).copy_(Tensor::ones({4, 3})); }, "clone() it first");
  expect_values(base, {0, 0, 0});
  // fill_ and zero_ write one value everywhere, as PyTorch allows; an axis expanded to extent 1
  // overlaps nothing; a clone is a tensor of its own.
  Tensor(wide).fill_(2.0);
  expect_values(base, {2, 2, 2});
  base.expand({1, 3}).add_(Tensor::ones({1, 3}));
  expect_values(base, {3, 3, 3});
  Tensor copy = wide.clone();
  copy.add_(Tensor::ones({4, 3}));
  expect_values(copy, {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4});
  // sub_'s operand errors name sub_ (they once came from the add_ it called); a refused write
  // leaves the tensor's version as it was.
  const std::uint64_t version = copy.impl().storage->version;
  expect_error([&] { copy.sub_(Tensor::ones({2, 3})); },
               "sub_: shapes [2,3] and [4,3] do not broadcast");
  expect_error([&] { copy.sub_(Tensor::ones({4, 3}, DType::Float64)); }, "sub_:");
  EXPECT_EQ(copy.impl().storage->version, version);
}

// copy_ converts, as PyTorch's does; add_ and sub_ convert a 0-d operand, as the out-of-place
// operations do (Note [A 0-d operand takes the other's dtype]), and refuse other mixes.
TEST(TensorBasics, InPlaceWritesAndDtypes) {
  Tensor t = Tensor::zeros({3});
  t.copy_(tensor({0.5, 1.5, 2.5}, DType::Float64));
  EXPECT_EQ(t.dtype(), DType::Float32);
  expect_values(t, {0.5, 1.5, 2.5});
  t.add_(scalar_tensor(1.0, DType::Float64));
  t.sub_(scalar_tensor(0.5, DType::Float64));
  expect_values(t, {1, 2, 3});
  expect_error([&] { t.add_(Tensor::ones({3}, DType::Float64)); },
               "add_: dtype mismatch: Float32 [3] and Float64 [3]");
  expect_error([&] { t.copy_(Tensor()); }, "copy_: the tensor is undefined");
}

TEST(TensorBasics, BroadcastingArithmetic) {
  const Tensor a = tensor({1, 2, 3, 4, 5, 6}, {2, 3});
  expect_values(a + tensor({10, 20, 30}, {3}), {11, 22, 33, 14, 25, 36});
  expect_values(a * tensor({2, 3}, {2, 1}), {2, 4, 6, 12, 15, 18});
  expect_values(a - 1.0, {0, 1, 2, 3, 4, 5});
  expect_values(1.0 / tensor({2, 4}), {0.5, 0.25});
  expect_values(pow(tensor({2, 3}), 2.0), {4, 9});
  expect_values(relu(tensor({-1, 2})), {0, 2});
  expect_values(maximum(tensor({1, 5}), tensor({3, 2})), {3, 5});
  expect_values(clamp(tensor({-2, 0.5, 3}), 0, 1), {0, 0.5, 1});
  expect_values(where(tensor({1, 0}), tensor({1, 2}), tensor({3, 4})), {1, 4});
  expect_values(gt(tensor({1, 5}), tensor({3, 2})), {0, 1});
  expect_error([&] { (void)(a + tensor({1, 2}, {2})); },
               "add: shapes [2,3] and [2] do not broadcast");
  expect_error([&] { (void)(a + Tensor::ones({3}, DType::Float64)); },
               "dtype mismatch: Float32 [2,3] and Float64 [3]");
}

// A gate outside the table's lists: apply<G> on a tensor is a compile-time error (it was a
// link error, "undefined reference to apply<G>"), while a Var's apply<G> takes it.
struct Softplus {
  static constexpr std::string_view name = "softplus", symbol = "softplus";
  static constexpr gates::Domain domain = {-3.0, 3.0};
  static double forward(double x) { return std::log1p(std::exp(x)); }
  static double local_grad(double x, double) { return 1.0 / (1.0 + std::exp(-x)); }
};
template <class G>
concept AppliesToTensors = requires(const Tensor& t) { apply<G>(t); };
static_assert(AppliesToTensors<gates::Tanh> && !AppliesToTensors<Softplus>);
static_assert(requires(const Var& v) { apply<Softplus>(v); });

template <class T, class A>
concept MaxWith = requires(const T& t, A a) { max(t, a); };
template <class T, class A>
concept MinWith = requires(const T& t, A a) { min(t, a); };
template <class T, class A>
concept SumWith = requires(const T& t, A a) { sum(t, a); };
template <class T, class A>
concept MeanWith = requires(const T& t, A a) { mean(t, a); };

TEST(TensorBasics, Reductions) {
  const Tensor a = tensor({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_DOUBLE_EQ(sum(a).item(), 21);
  expect_values(sum(a, 0), {5, 7, 9});
  expect_values(sum(a, 1, true), {6, 15});
  EXPECT_EQ(sum(a, 1, true).shape(), (std::vector<std::int64_t>{2, 1}));
  expect_values(sum(a, {0, 1}), {21});
  // A braced list is a list of axes, an empty one too: {} reduces none (it once converted to
  // axis 0), in the free and the method forms.
  expect_values(sum(a, {}), {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(sum(a, {}).shape(), a.shape());
  EXPECT_EQ(a.sum({}).shape(), a.shape());
  EXPECT_EQ(mean(a, {}).shape(), a.shape());
  EXPECT_EQ(a.max({}, true).shape(), a.shape());
  EXPECT_EQ(min(a, {}).shape(), a.shape());
  expect_values(a.sum({1}), {6, 15});
  expect_values(a.mean({0}, true), {2.5, 3.5, 4.5});
  expect_values(max(a, {-1}), {3, 6});
  expect_values(a.min({0, 1}), {1});
  expect_values(mean(a, -1), {2, 5});
  expect_values(max(a, 0), {4, 5, 6});
  expect_values(min(a, 1, true), {1, 4});
  EXPECT_DOUBLE_EQ(max(a).item(), 6);
  EXPECT_EQ(argmax(a, 1), (std::vector<std::int64_t>{2, 2}));
  // A NaN is the largest value, as in PyTorch: the first one wins.
  const double nan = std::nan("");
  EXPECT_EQ(argmax(tensor({1, nan, 3, nan, 5, 4}, {3, 2}, DType::Float64), 0),
            (std::vector<std::int64_t>{2, 0}));
  EXPECT_EQ(argmax(tensor({1, 3, nan, nan}, {1, 4}), 1), (std::vector<std::int64_t>{2}));
  // max(t, 0.0) does not compile: it would reduce over axis 0 where max(Var, 0.0) is
  // elementwise; clamp_min is the elementwise form.
  static_assert(!MaxWith<Tensor, double> && !MinWith<Tensor, float>);
  static_assert(MaxWith<Tensor, int> && MinWith<Tensor, std::int64_t>);
  // Nor does any reduction with a floating-point axis, which would convert to an integer.
  static_assert(!SumWith<Tensor, double> && !MeanWith<Tensor, float>);
  static_assert(SumWith<Tensor, int> && MeanWith<Tensor, std::int64_t>);
  expect_values(clamp_min(tensor({-1, 2, -3, 4}, {2, 2}), 0.0), {0, 2, 0, 4});
  EXPECT_DOUBLE_EQ(sum(Tensor::zeros({0, 3})).item(), 0.0);
  // A large sum takes the parallel path and stays accurate.
  const Tensor big = Tensor::ones({1 << 20});
  EXPECT_DOUBLE_EQ(sum(big).item(), double(1 << 20));
}

TEST(TensorBasics, MatmulShapesAndErrors) {
  const Tensor a = tensor({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = tensor({1, 0, 0, 1, 1, 1}, {3, 2});
  expect_values(matmul(a, b), {4, 5, 10, 11});
  expect_values(matmul(a.t(), a.slice(1, 0, 2)), {17, 22, 22, 29, 27, 36});
  expect_values(matmul(a, tensor({1, 1, 1})), {6, 15});
  // Two vectors: their dot product, 0-d, as torch.matmul.
  const Tensor dot = matmul(tensor({1, 2, 3}), tensor({4, 5, 6}));
  EXPECT_EQ(dot.dim(), 0);
  EXPECT_EQ(dot.item(), 32.0);
  EXPECT_EQ(matmul(Tensor::ones({0}), Tensor::ones({0})).item(), 0.0);
  expect_error([] { (void)matmul(Tensor::ones({3}), Tensor::ones({4})); },
               "matmul: [3] x [4]: inner dimensions 3 and 4 differ");
  // A vector's length is checked against the matrix before it becomes a row or column.
  expect_error([] { (void)matmul(Tensor::ones({3}), Tensor::ones({4, 2})); },
               "matmul: [3] x [4,2]: inner dimensions 3 and 4 differ");
  expect_error([] { (void)matmul(Tensor::ones({2, 4}), Tensor::ones({3})); },
               "matmul: [2,4] x [3]: inner dimensions 4 and 3 differ");
  EXPECT_EQ(matmul(Tensor::ones({4, 2, 3}), b).shape(), (std::vector<std::int64_t>{4, 2, 2}));
  EXPECT_EQ(matmul(Tensor::ones({4, 2, 3}), Tensor::ones({1, 3, 5})).shape(),
            (std::vector<std::int64_t>{4, 2, 5}));
  expect_error([] { (void)matmul(Tensor::ones({5, 10}), Tensor::ones({3, 10})); },
               "matmul: [5,10] x [3,10]: inner dimensions 10 and 3 differ");
  expect_error([] { (void)matmul(Tensor::ones({2, 2}), Tensor::ones({2, 2}, DType::Float64)); },
               "Float32");
}

TEST(TensorBasics, SoftmaxIsStableAtLargeScores) {
  const Tensor s = tensor({1000, -1000, 0, 1000, 1000, 1000}, {2, 3}, DType::Float64);
  const std::vector<double> ls = log_softmax(s, 1).to_vector();
  for (double v : ls) EXPECT_TRUE(std::isfinite(v));
  EXPECT_NEAR(ls[0], 0.0, 1e-12);
  EXPECT_NEAR(ls[3], -std::log(3.0), 1e-12);
  expect_values(softmax(s, 1), {1, 0, 0, 1 / 3.0, 1 / 3.0, 1 / 3.0}, 1e-12);
  const Tensor s32 = tensor({1000, -1000}, {1, 2});
  EXPECT_TRUE(std::isfinite(cross_entropy(s32, {1}).item()));
  EXPECT_NEAR(cross_entropy(s32, {1}).item(), 2000.0, 1e-3);
}

TEST(TensorBasics, LossesAndIndexing) {
  const Tensor s = tensor({1, 2, 3, 1, 0, 0}, {2, 3}, DType::Float64);
  const double ce0 = std::log(std::exp(1) + std::exp(2) + std::exp(3)) - 3;
  const double ce1 = std::log(std::exp(1) + 2) - 1;
  EXPECT_NEAR(cross_entropy(s, {2, 0}).item(), (ce0 + ce1) / 2, 1e-12);
  // hinge: row 0, y=0: max(0,2-1+1)+max(0,3-1+1) = 5; row 1, y=1: max(0,1-0+1)+max(0,0-0+1) = 3
  EXPECT_NEAR(hinge_loss(s, {0, 1}).item(), 4.0, 1e-12);
  EXPECT_NEAR(mse_loss(s, Tensor::zeros({2, 3}, DType::Float64)).item(), 15.0 / 6, 1e-12);
  expect_values(gather(s, 1, std::vector<std::int64_t>{2, 0}), {3, 1});
  expect_values(index_select(s, 0, {1, 1, 0}), {1, 0, 0, 1, 0, 0, 1, 2, 3});
  expect_values(cat({s, s.slice(0, 0, 1)}, 0), {1, 2, 3, 1, 0, 0, 1, 2, 3});
  EXPECT_EQ(stack({s, s}, 1).shape(), (std::vector<std::int64_t>{2, 2, 3}));
  expect_error([&] { (void)cross_entropy(s, {3, 0}); },
               "cross_entropy: label 3 at position 0 is not a class index in [0,3)");
  expect_error([&] { (void)cross_entropy(s, {0}); }, "1 labels for 2 rows");
}

TEST(TensorBasics, Conv2dAndPool) {
  // A 1x1x3x3 image with a 2x2 kernel of ones is the sum of each 2x2 window.
  const Tensor x = tensor({1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 1, 3, 3});
  const Tensor w = Tensor::ones({1, 1, 2, 2});
  expect_values(conv2d(x, w), {12, 16, 24, 28});
  expect_values(conv2d(x, w, tensor({1}), 1, 1).slice(2, 0, 1),
                {2, 4, 6, 4});
  expect_values(max_pool2d(x, 2, 1), {5, 6, 8, 9});
  EXPECT_EQ(max_pool2d(Tensor::ones({2, 3, 8, 8}), 2).shape(),
            (std::vector<std::int64_t>{2, 3, 4, 4}));
  expect_error([&] { (void)conv2d(x, Tensor::ones({1, 2, 2, 2})); },
               "input has 1 channels but the weight expects 2");
  // The fused conv + pool: the conv output above plus a bias of 1, [13, 17, 25, 29], pooled to
  // its max; with padding 1, the 4x4 conv output's 2x2 windows.
  expect_values(conv2d_max_pool2d(x, w, tensor({1}), 1, 0, 2), {29});
  expect_values(conv2d_max_pool2d(x, w, Tensor(), 1, 1, 2), {12, 16, 24, 28});
  expect_error([&] { (void)conv2d_max_pool2d(x, Tensor::ones({1, 2, 2, 2}), Tensor(), 1, 0, 2); },
               "conv2d_max_pool2d: input [1,1,3,3], weight [1,2,2,2]: input has 1 channels");
  expect_error([&] { (void)conv2d_max_pool2d(x, w, Tensor(), 1, 0, 3); },
               "conv2d_max_pool2d: kernel 3 is larger than the padded input [1,1,2,2]");
  expect_error([&] { (void)conv2d_max_pool2d(x, w, Tensor(), 1, 0, 2, 1, 2); },
               "conv2d_max_pool2d: kernel 2, stride 1, padding 2: need");
}

TEST(TensorBasics, ErrorsNameTheOp) {
  expect_error([] { (void)tensor({1, 2, 3}, {2, 2}); }, "tensor: 3 values do not fill shape [2,2]");
  expect_error([] { (void)Tensor::ones({2, 2}).item(); }, "item(): the tensor has shape [2,2]");
  expect_error([] { (void)sum(Tensor::ones({2}), 1); }, "sum: axis 1 is out of range");
  expect_error([] { (void)Tensor().shape(); }, "undefined");
  expect_error([] { (void)Tensor::ones({2}).data<double>(); }, "Float32, not Float64");
}

}  // namespace
}  // namespace gradflow
