// Every tensor operation through tensor_gradcheck in float64: the whole Jacobian from backprop
// against central differences, on small shapes including broadcast shapes, extents of 1 and 0,
// non-contiguous views and batched matmul. Elementwise gates come from the gate table itself,
// so a gate added there is checked here with no new code.

#include "helpers.hpp"

#include <gradflow/gates/table.hpp>
#include <gradflow/tensor/tensor.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace gradflow {
namespace {

using test::InputSpec;
using test::sample;

struct OpCase {
  std::string name;
  std::vector<InputSpec> inputs;
  TensorFunction f;
};

/// Shapes for elementwise ops: plain, broadcast both ways, extents of 1 and 0, 0-d.
const std::vector<std::pair<Shape, Shape>>& binary_shapes() {
  static const std::vector<std::pair<Shape, Shape>> shapes = {
      {{2, 3}, {2, 3}}, {{2, 3}, {3}}, {{2, 1}, {1, 3}}, {{}, {2, 2}}, {{1}, {1}}, {{0, 3}, {3}}};
  return shapes;
}

std::vector<OpCase> gate_cases() {
  std::vector<OpCase> cases;
  gates::UnaryGates::for_each([&]<class G>() {
    auto apply_gate = [](const Tensor& x) { return apply<G>(x); };
    cases.push_back({std::string(G::name), {{{2, 3}, G::domain}},
                     [apply_gate](const std::vector<Tensor>& x) { return apply_gate(x[0]); }});
    cases.push_back({std::string(G::name) + "_of_transposed", {{{3, 2}, G::domain}},
                     [apply_gate](const std::vector<Tensor>& x) { return apply_gate(x[0].t()); }});
    cases.push_back({std::string(G::name) + "_empty", {{{0, 2}, G::domain}},
                     [apply_gate](const std::vector<Tensor>& x) { return apply_gate(x[0]); }});
  });
  gates::BinaryGates::for_each([&]<class G>() {
    auto apply_gate = [](const Tensor& a, const Tensor& b) { return apply<G>(a, b); };
    for (const auto& [sa, sb] : binary_shapes()) {
      cases.push_back({std::string(G::name) + " " + sa.str() + " " + sb.str(),
                       {{sa, G::domain_x}, {sb, G::domain_y}},
                       [apply_gate](const std::vector<Tensor>& x) { return apply_gate(x[0], x[1]); }});
    }
    cases.push_back({std::string(G::name) + "_transposed", {{{3, 2}, G::domain_x}, {{2, 3}, G::domain_y}},
                     [apply_gate](const std::vector<Tensor>& x) { return apply_gate(x[0].t(), x[1]); }});
  });
  gates::ParametricGates::for_each([&]<class G>() {
    const double c = (G::param_domain.lo + G::param_domain.hi) / 2 + 0.123;
    auto apply_gate = [c](const Tensor& x) { return apply<G>(x, c); };
    cases.push_back({std::string(G::name), {{{2, 3}, G::domain}},
                     [apply_gate](const std::vector<Tensor>& x) { return apply_gate(x[0]); }});
  });
  return cases;
}

std::vector<OpCase> other_cases() {
  using V = std::vector<Tensor>;
  const gates::Domain pos{0.5, 2.0};
  std::vector<OpCase> c = {
      {"matmul", {{{2, 3}}, {{3, 4}}}, [](const V& x) { return matmul(x[0], x[1]); }},
      {"matmul_transposed_views", {{{3, 2}}, {{4, 3}}},
       [](const V& x) { return matmul(x[0].t(), x[1].t()); }},
      // Note [Gradients in a permuted layout]: the transposed operand's gradient arrives
      // permuted; it must reach an intermediate producer, a second use and a further view right.
      {"matmul_by_transposed_intermediate", {{{2, 3}}, {{4, 3}}},
       [](const V& x) { return matmul(x[0], (x[1] * x[1]).t()); }},
      {"matmul_transposed_used_twice", {{{2, 3}}, {{4, 3}}},
       [](const V& x) {
         const Tensor wt = x[1].t();
         return matmul(x[0], wt) + matmul(x[0] * x[0], wt);
       }},
      {"matmul_by_transposed_reshape", {{{2, 3}}, {{12}}},
       [](const V& x) { return matmul(x[0], x[1].reshape({4, 3}).t()); }},
      {"matmul_vector", {{{2, 3}}, {{3}}}, [](const V& x) { return matmul(x[0], x[1]); }},
      {"matmul_vector_left", {{{3}}, {{3, 2}}}, [](const V& x) { return matmul(x[0], x[1]); }},
      {"matmul_dot", {{{3}}, {{3}}}, [](const V& x) { return matmul(x[0], x[1]); }},
      {"matmul_dot_empty", {{{0}}, {{0}}}, [](const V& x) { return matmul(x[0], x[1]); }},
      {"matmul_batched", {{{2, 2, 3}}, {{2, 3, 2}}}, [](const V& x) { return matmul(x[0], x[1]); }},
      {"matmul_batch_broadcast", {{{1, 2, 3}}, {{3, 3, 2}}},
       [](const V& x) { return matmul(x[0], x[1]); }},
      {"matmul_batched_by_matrix", {{{2, 2, 3}}, {{3, 2}}},
       [](const V& x) { return matmul(x[0], x[1]); }},
      {"matmul_matrix_by_batched", {{{2, 3}}, {{2, 3, 2}}},
       [](const V& x) { return matmul(x[0], x[1]); }},
      {"matmul_empty_inner", {{{2, 0}}, {{0, 3}}}, [](const V& x) { return matmul(x[0], x[1]); }},
      {"sum_all", {{{2, 3}}}, [](const V& x) { return sum(x[0]); }},
      {"sum_axis", {{{2, 3, 2}}}, [](const V& x) { return sum(x[0], 1); }},
      {"sum_axes_keepdim", {{{2, 3, 2}}}, [](const V& x) { return sum(x[0], {0, 2}, true); }},
      {"sum_empty", {{{0, 3}}}, [](const V& x) { return sum(x[0], 0); }},
      {"mean_axis", {{{2, 3}}}, [](const V& x) { return mean(x[0], -1, true); }},
      {"mean_all_transposed", {{{2, 3}}}, [](const V& x) { return mean(x[0].t()); }},
      {"max_all", {{{2, 3}}}, [](const V& x) { return max(x[0]); }},
      {"max_axis", {{{3, 4}}}, [](const V& x) { return max(x[0], 1); }},
      {"min_axes_keepdim", {{{2, 3, 2}}}, [](const V& x) { return min(x[0], {0, 2}, true); }},
      {"softmax_last", {{{2, 4}}}, [](const V& x) { return softmax(x[0], -1); }},
      {"softmax_axis0", {{{3, 2}}}, [](const V& x) { return softmax(x[0], 0); }},
      {"log_softmax", {{{2, 4}}}, [](const V& x) { return log_softmax(x[0], 1); }},
      {"log_softmax_transposed", {{{4, 2}}}, [](const V& x) { return log_softmax(x[0].t(), 1); }},
      {"cross_entropy", {{{3, 4}}}, [](const V& x) { return cross_entropy(x[0], {0, 3, 1}); }},
      {"mse_loss", {{{2, 3}}, {{2, 3}}}, [](const V& x) { return mse_loss(x[0], x[1]); }},
      {"hinge_loss", {{{3, 4}}}, [](const V& x) { return hinge_loss(x[0], {0, 3, 1}); }},
      {"multi_margin_loss", {{{3, 4}}},
       [](const V& x) { return multi_margin_loss(x[0], {2, 0, 1}, 0.5); }},
      {"reshape", {{{2, 3}}}, [](const V& x) { return x[0].reshape({3, -1}) * x[0].reshape({3, 2}); }},
      {"reshape_of_transposed", {{{2, 3}}}, [](const V& x) { return x[0].t().reshape({6}); }},
      {"view_flatten", {{{2, 3, 2}}}, [](const V& x) { return x[0].flatten(1) * 2.0; }},
      {"transpose", {{{2, 3, 4}}}, [](const V& x) { return x[0].transpose(0, 2); }},
      {"permute", {{{2, 3, 4}}}, [](const V& x) { return x[0].permute({1, 2, 0}) * 3.0; }},
      {"unsqueeze_squeeze", {{{2, 3}}}, [](const V& x) { return x[0].unsqueeze(1).squeeze(1); }},
      {"slice_step", {{{5, 3}}}, [](const V& x) { return x[0].slice(0, 1, 5, 2); }},
      {"select", {{{3, 4}}}, [](const V& x) { return x[0].select(1, 2) + x[0][0].slice(0, 0, 3); }},
      {"expand", {{{2, 1}}}, [](const V& x) { return x[0].expand({2, 3}) * x[0]; }},
      {"index_select_repeats", {{{3, 2}}}, [](const V& x) { return index_select(x[0], 0, {2, 0, 2}); }},
      {"index_select_axis1", {{{2, 3}}}, [](const V& x) { return index_select(x[0], 1, {1}); }},
      {"gather_rows", {{{3, 4}}}, [](const V& x) { return gather(x[0], 1, std::vector<std::int64_t>{3, 0, 1}); }},
      {"gather_tensor_index", {{{2, 3}}},
       [](const V& x) { return gather(x[0], 0, tensor({1, 0, 1, 0, 0, 1}, {2, 3})); }},
      {"cat", {{{2, 3}}, {{1, 3}}}, [](const V& x) { return cat({x[0], x[1], x[0]}, 0); }},
      {"cat_axis1_empty", {{{2, 0}}, {{2, 2}}}, [](const V& x) { return cat({x[0], x[1]}, 1); }},
      {"stack", {{{2, 3}}, {{2, 3}}}, [](const V& x) { return stack({x[0], x[1]}, 1); }},
      {"where", {{{2, 3}}, {{3}}},
       [](const V& x) { return where(tensor({1, 0, 1, 0, 0, 1}, {2, 3}), x[0], x[1]); }},
      // A number operand is a 0-d tensor that requires no gradient: all of it goes to the tensor.
      {"where_number", {{{2, 3}}},
       [](const V& x) { return where(tensor({1, 0, 1, 0, 0, 1}, {2, 3}), x[0], 0.5); }},
      {"where_number_first", {{{3}}},
       [](const V& x) { return where(tensor({1, 0, 1, 0, 0, 1}, {2, 3}), -0.5, x[0]); }},
      {"maximum_number", {{{2, 3}}}, [](const V& x) { return maximum(x[0], 0.3); }},
      {"maximum_number_first", {{{2, 3}}}, [](const V& x) { return maximum(-0.4, x[0]); }},
      {"minimum_number", {{{2, 3}}}, [](const V& x) { return minimum(x[0], 0.3); }},
      {"minimum_number_first", {{{2, 3}}}, [](const V& x) { return minimum(-0.4, x[0]); }},
      {"clamp", {{{2, 3}, {0.1, 2.0, true}}}, [](const V& x) { return clamp(x[0], -1.0, 1.0); }},
      {"clamp_min", {{{2, 3}, {0.1, 2.0, true}}}, [](const V& x) { return clamp_min(x[0], 0.0); }},
      {"clone_contiguous", {{{2, 3}}}, [](const V& x) { return x[0].t().contiguous() * 2.0; }},
      {"to_float64_identity", {{{2, 3}}}, [](const V& x) { return x[0].to(DType::Float64); }},
      {"conv2d", {{{2, 2, 4, 4}}, {{3, 2, 3, 3}}, {{3}}},
       [](const V& x) { return conv2d(x[0], x[1], x[2]); }},
      {"conv2d_stride_padding", {{{1, 2, 5, 5}}, {{2, 2, 3, 3}}},
       [](const V& x) { return conv2d(x[0], x[1], Tensor(), 2, 1); }},
      {"conv2d_batch3_stride2_pad2_bias", {{{3, 2, 5, 6}}, {{2, 2, 3, 2}}, {{2}}},
       [](const V& x) { return conv2d(x[0], x[1], x[2], 2, 2); }},
      {"conv2d_stride3_pad1_kernel_wider_than_input", {{{2, 1, 4, 2}}, {{2, 1, 3, 4}}},
       [](const V& x) { return conv2d(x[0], x[1], Tensor(), 3, 1); }},
      {"conv2d_noncontiguous_input", {{{2, 3, 4, 3}}, {{2, 4, 2, 2}}},
       [](const V& x) { return conv2d(x[0].transpose(1, 2), x[1], Tensor(), 1, 1); }},
      {"max_pool2d", {{{2, 2, 4, 4}}}, [](const V& x) { return max_pool2d(x[0], 2); }},
      {"max_pool2d_2x2_odd_size", {{{2, 3, 5, 7}}}, [](const V& x) { return max_pool2d(x[0], 2); }},
      {"max_pool2d_k3_s1_p1", {{{2, 2, 4, 3}}}, [](const V& x) { return max_pool2d(x[0], 3, 1, 1); }},
      {"max_pool2d_overlapping_padded", {{{1, 1, 5, 5}}},
       [](const V& x) { return max_pool2d(x[0], 3, 2, 1); }},
      {"conv2d_max_pool2d", {{{2, 2, 4, 4}}, {{3, 2, 3, 3}}, {{3}}},
       [](const V& x) { return conv2d_max_pool2d(x[0], x[1], x[2], 1, 1, 2); }},
      {"conv2d_max_pool2d_odd_size_no_bias", {{{3, 1, 5, 7}}, {{2, 1, 3, 3}}},
       [](const V& x) { return conv2d_max_pool2d(x[0], x[1], Tensor(), 1, 1, 2); }},
      {"conv2d_max_pool2d_strided_overlapping_padded", {{{2, 2, 6, 5}}, {{2, 2, 2, 2}}, {{2}}},
       [](const V& x) { return conv2d_max_pool2d(x[0], x[1], x[2], 2, 1, 3, 2, 1); }},
      {"conv2d_max_pool2d_noncontiguous_input", {{{2, 3, 4, 3}}, {{2, 4, 2, 2}}},
       [](const V& x) { return conv2d_max_pool2d(x[0].transpose(1, 2), x[1], Tensor(), 1, 1, 2); }},
      {"composite_mlp", {{{4, 3}}, {{3, 5}}, {{5}}},
       [](const V& x) { return cross_entropy(relu(matmul(x[0], x[1]) + x[2]), {0, 4, 2, 1}); }},
      {"positive_domain_log_sqrt", {{{2, 3}, pos}}, [](const V& x) { return log(sqrt(x[0]) + 1.0); }},
  };
  return c;
}

std::vector<OpCase> all_cases() {
  std::vector<OpCase> cases = gate_cases();
  for (OpCase& c : other_cases()) cases.push_back(std::move(c));
  return cases;
}

class EveryTensorOp : public ::testing::TestWithParam<OpCase> {};

TEST_P(EveryTensorOp, GradcheckFloat64) {
  const OpCase& c = GetParam();
  Generator gen(42);
  std::vector<Tensor> inputs;
  for (const InputSpec& s : c.inputs) inputs.push_back(sample(s, gen));
  const TensorGradcheckResult r = tensor_gradcheck(c.f, inputs, {1e-6, 1e-5, 1e-6});
  EXPECT_TRUE(r.passed) << c.name << ": " << r.report;
}

// A function whose gradient is 0 but that jumps to +inf left of 0: backprop gives 0 at x = 0,
// f(-h) is infinite, so the numeric value is -inf. The tolerance rtol * |numeric| is then
// infinite too, and used to accept the finite analytic value.
TEST(TensorGradcheckVerdict, AnInfiniteNumericValueFails) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const TensorGradcheckResult r = tensor_gradcheck(
      [](const std::vector<Tensor>& x) {
        return x[0] * 0.0 + (x[0].item() < 0.0 ? kInf : 0.0);
      },
      {Tensor::zeros({1}, DType::Float64)});
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.report.find("analytic 0 vs numeric -inf"), std::string::npos) << r.report;
}

// tensor_gradcheck validates what gradcheck validates, and refuses a Float32 result, whose
// rounding would fail a right gradient ("analytic 1 vs numeric 0.953674").
TEST(TensorGradcheckOptions, BadOptionsAndAFloat32ResultAreErrors) {
  const std::vector<Tensor> x = {Tensor::ones({2}, DType::Float64)};
  const auto sum_of = [](const std::vector<Tensor>& in) { return sum(in[0]); };
  const auto message = [&](auto&& call) -> std::string {
    try {
      call();
    } catch (const Error& e) {
      return e.what();
    }
    return "no Error";
  };
  EXPECT_EQ(message([&] { (void)tensor_gradcheck(sum_of, x, {.step = -1e-9}); }),
            "tensor_gradcheck: step must be positive and finite, got -1e-09");
  EXPECT_NE(message([&] { (void)tensor_gradcheck(sum_of, x, {.rtol = -1}); })
                .find("tolerances must be non-negative"),
            std::string::npos);
  EXPECT_NE(message([&] { (void)tensor_gradcheck(sum_of, {}); }).find("no inputs"),
            std::string::npos);
  EXPECT_NE(message([&] {
              (void)tensor_gradcheck(
                  [](const std::vector<Tensor>& in) { return sum(in[0]).to(DType::Float32); }, x);
            }).find("f returned Float32 []"),
            std::string::npos);
}

// The Jacobian is held whole, m × n doubles: sizes whose product wraps around int64 (2^62 × 4
// is 0 mod 2^64) or passes what a vector holds are an Error naming both, never a wrapped
// allocation. The huge results are views of one element, so nothing large is allocated.
TEST(TensorGradcheckOptions, AJacobianTooLargeToHoldIsAnError) {
  // The results are expanded views of one element: nothing large is made but the Jacobian.
  const std::vector<Tensor> x = {Tensor::ones({4}, DType::Float64)};
  const auto spread_to = [](std::int64_t side) {
    return [side](const std::vector<Tensor>& in) { return sum(in[0]).expand({side, side}); };
  };
  // 2^62 × 4 entries wrap around int64.
  try {
    (void)tensor_gradcheck(spread_to(std::int64_t{1} << 31), x);
    ADD_FAILURE() << "no Error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "tensor_gradcheck: the Jacobian of f's result [2147483648,2147483648] "
                 "(4611686018427387904 elements) by input 0 [4] (4 elements) is too large to "
                 "hold (the check keeps it whole); check a function of fewer elements");
  }
  // 2^58 × 4 = 2^60 fits int64 but not a vector of doubles (std::length_error, before any
  // allocation, so this runs under ASan too).
  try {
    (void)tensor_gradcheck(spread_to(std::int64_t{1} << 29), x);
    ADD_FAILURE() << "no Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("f's result [536870912,536870912] (288230376151711744 "
                                         "elements) by input 0 [4] (4 elements) "
                                         "(1152921504606846976 entries, 9223372036854775808 "
                                         "bytes) is too large to hold"),
              std::string::npos)
        << e.what();
  }
}

TEST(TensorGradcheckOptions, AJacobianThatMemoryCannotHoldIsAnError) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan reports an allocation this large as an error of its own and stops";
#else
  // 2^40 × 4 entries: 32 TiB, which a vector may hold but no machine this runs on can give.
  const std::vector<Tensor> x = {Tensor::ones({4}, DType::Float64)};
  const auto f = [](const std::vector<Tensor>& in) {
    return sum(in[0]).expand({std::int64_t{1} << 20, std::int64_t{1} << 20});
  };
  try {
    (void)tensor_gradcheck(f, x);
    ADD_FAILURE() << "no Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("by input 0 [4] (4 elements) (4398046511104 entries, "
                                         "35184372088832 bytes) is too large to hold"),
              std::string::npos)
        << e.what();
  }
#endif
}

std::string case_name(const ::testing::TestParamInfo<OpCase>& info) {
  return test::test_name(info.param.name) + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(AllOps, EveryTensorOp, ::testing::ValuesIn(all_cases()), case_name);

TEST(EveryTensorOpTable, CoversEveryGate) {
  const std::size_t gates = gates::UnaryGates::size * 3 + gates::BinaryGates::size * 7 +
                            gates::ParametricGates::size;
  EXPECT_GE(all_cases().size(), gates + 40);
}

}  // namespace
}  // namespace gradflow
