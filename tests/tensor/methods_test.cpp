// Tensor's method forms (t.sum(), a.matmul(b), ...) against the free functions they forward to:
// each method, on the same inputs, gives the same values and the same gradients to the bit, and
// for bad arguments the same Error message, which names the free function's op.

#include "helpers.hpp"

#include <gradflow/gates/table.hpp>
#include <gradflow/tensor/tensor.hpp>

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace gradflow {
namespace {

using test::InputSpec;
using V = std::vector<Tensor>;

struct MethodCase {
  std::string name;
  std::vector<InputSpec> inputs;
  TensorFunction method;
  TensorFunction function;  // the same call through the free function
};

std::ostream& operator<<(std::ostream& os, const MethodCase& c) { return os << c.name; }

// argmax gives a vector; as a tensor it goes through the same comparison as the others.
Tensor as_tensor(const std::vector<std::int64_t>& indices) {
  return tensor(std::vector<double>(indices.begin(), indices.end()), DType::Float64);
}

const gates::Domain kEitherSign{0.1, 2.0, true};

const MethodCase kCases[] = {
    // ---- the unary gates, each sampled where its gate is defined
    {"neg", {{{2, 3}, gates::Neg::domain}}, [](const V& x) { return x[0].neg(); },
     [](const V& x) { return neg(x[0]); }},
    {"reciprocal", {{{2, 3}, gates::Reciprocal::domain}},
     [](const V& x) { return x[0].reciprocal(); }, [](const V& x) { return reciprocal(x[0]); }},
    {"exp", {{{2, 3}, gates::Exp::domain}}, [](const V& x) { return x[0].exp(); },
     [](const V& x) { return exp(x[0]); }},
    {"log", {{{2, 3}, gates::Log::domain}}, [](const V& x) { return x[0].log(); },
     [](const V& x) { return log(x[0]); }},
    {"sigmoid", {{{2, 3}, gates::Sigmoid::domain}}, [](const V& x) { return x[0].sigmoid(); },
     [](const V& x) { return sigmoid(x[0]); }},
    {"tanh", {{{2, 3}, gates::Tanh::domain}}, [](const V& x) { return x[0].tanh(); },
     [](const V& x) { return tanh(x[0]); }},
    {"relu", {{{2, 3}, gates::Relu::domain}}, [](const V& x) { return x[0].relu(); },
     [](const V& x) { return relu(x[0]); }},
    {"sqrt", {{{2, 3}, gates::Sqrt::domain}}, [](const V& x) { return x[0].sqrt(); },
     [](const V& x) { return sqrt(x[0]); }},
    {"abs", {{{2, 3}, gates::Abs::domain}}, [](const V& x) { return x[0].abs(); },
     [](const V& x) { return abs(x[0]); }},
    {"sin", {{{2, 3}, gates::Sin::domain}}, [](const V& x) { return x[0].sin(); },
     [](const V& x) { return sin(x[0]); }},
    {"cos", {{{2, 3}, gates::Cos::domain}}, [](const V& x) { return x[0].cos(); },
     [](const V& x) { return cos(x[0]); }},
    // ---- powers and clamps
    {"pow_double", {{{2, 3}, gates::PowConst::domain}}, [](const V& x) { return x[0].pow(1.7); },
     [](const V& x) { return pow(x[0], 1.7); }},
    // An integer exponent, as PyTorch users write it, is the double overload.
    {"pow_int", {{{2, 3}, gates::PowConst::domain}}, [](const V& x) { return x[0].pow(2); },
     [](const V& x) { return pow(x[0], 2.0); }},
    {"pow_tensor_broadcast", {{{2, 3}, gates::Pow::domain_x}, {{3}, gates::Pow::domain_y}},
     [](const V& x) { return x[0].pow(x[1]); }, [](const V& x) { return pow(x[0], x[1]); }},
    {"clamp", {{{2, 3}, kEitherSign}}, [](const V& x) { return x[0].clamp(-0.5, 1.0); },
     [](const V& x) { return clamp(x[0], -0.5, 1.0); }},
    {"clamp_min", {{{2, 3}, kEitherSign}}, [](const V& x) { return x[0].clamp_min(0.0); },
     [](const V& x) { return clamp_min(x[0], 0.0); }},
    {"clamp_max", {{{2, 3}, kEitherSign}}, [](const V& x) { return x[0].clamp_max(0.3); },
     [](const V& x) { return clamp_max(x[0], 0.3); }},
    // ---- reductions: whole tensor, one axis, several axes, keepdim, negative axes
    {"sum_all", {{{2, 3, 4}}}, [](const V& x) { return x[0].sum(); },
     [](const V& x) { return sum(x[0]); }},
    {"sum_axis", {{{2, 3, 4}}}, [](const V& x) { return x[0].sum(1); },
     [](const V& x) { return sum(x[0], 1); }},
    {"sum_axis_keepdim", {{{2, 3, 4}}}, [](const V& x) { return x[0].sum(-1, true); },
     [](const V& x) { return sum(x[0], -1, true); }},
    {"sum_axes", {{{2, 3, 4}}}, [](const V& x) { return x[0].sum({0, 2}); },
     [](const V& x) { return sum(x[0], {0, 2}); }},
    {"sum_axes_keepdim", {{{2, 3, 4}}}, [](const V& x) { return x[0].sum({2, -3}, true); },
     [](const V& x) { return sum(x[0], {2, -3}, true); }},
    {"mean_all", {{{2, 3, 4}}}, [](const V& x) { return x[0].mean(); },
     [](const V& x) { return mean(x[0]); }},
    {"mean_axis_keepdim", {{{2, 3, 4}}}, [](const V& x) { return x[0].mean(1, true); },
     [](const V& x) { return mean(x[0], 1, true); }},
    {"mean_axes", {{{2, 3, 4}}}, [](const V& x) { return x[0].mean({0, 1}); },
     [](const V& x) { return mean(x[0], {0, 1}); }},
    {"max_all", {{{2, 3, 4}}}, [](const V& x) { return x[0].max(); },
     [](const V& x) { return max(x[0]); }},
    {"max_axis", {{{2, 3, 4}}}, [](const V& x) { return x[0].max(1); },
     [](const V& x) { return max(x[0], 1); }},
    {"max_axes_keepdim", {{{2, 3, 4}}}, [](const V& x) { return x[0].max({0, 2}, true); },
     [](const V& x) { return max(x[0], {0, 2}, true); }},
    {"min_all", {{{2, 3, 4}}}, [](const V& x) { return x[0].min(); },
     [](const V& x) { return min(x[0]); }},
    {"min_axis_keepdim", {{{2, 3, 4}}}, [](const V& x) { return x[0].min(-1, true); },
     [](const V& x) { return min(x[0], -1, true); }},
    {"min_axes", {{{2, 3, 4}}}, [](const V& x) { return x[0].min({1, 2}); },
     [](const V& x) { return min(x[0], {1, 2}); }},
    // Ties share the gradient evenly; a method must share it exactly as the free function does.
    {"max_axis_ties", {{{2, 3}, {1.0, 1.0}}}, [](const V& x) { return x[0].max(0); },
     [](const V& x) { return max(x[0], 0); }},
    {"argmax", {{{3, 4}}}, [](const V& x) { return as_tensor(x[0].argmax(1)); },
     [](const V& x) { return as_tensor(argmax(x[0], 1)); }},
    {"argmax_negative_axis", {{{3, 4}}}, [](const V& x) { return as_tensor(x[0].argmax(-2)); },
     [](const V& x) { return as_tensor(argmax(x[0], -2)); }},
    // ---- matmul, softmax
    {"matmul", {{{2, 3}}, {{3, 4}}}, [](const V& x) { return x[0].matmul(x[1]); },
     [](const V& x) { return matmul(x[0], x[1]); }},
    {"matmul_batched_by_matrix", {{{2, 2, 3}}, {{3, 2}}},
     [](const V& x) { return x[0].matmul(x[1]); }, [](const V& x) { return matmul(x[0], x[1]); }},
    {"matmul_dot", {{{3}}, {{3}}}, [](const V& x) { return x[0].matmul(x[1]); },
     [](const V& x) { return matmul(x[0], x[1]); }},
    {"softmax", {{{2, 4}}}, [](const V& x) { return x[0].softmax(1); },
     [](const V& x) { return softmax(x[0], 1); }},
    {"softmax_axis0", {{{3, 2}}}, [](const V& x) { return x[0].softmax(0); },
     [](const V& x) { return softmax(x[0], 0); }},
    {"log_softmax", {{{2, 4}}}, [](const V& x) { return x[0].log_softmax(-1); },
     [](const V& x) { return log_softmax(x[0], -1); }},
    // ---- comparisons (no gradient), each of a tensor against its own first row, broadcast: row
    // 0 ties with itself, so gt and ge (lt and le) give different results
    {"gt", {{{2, 3}}}, [](const V& x) { return x[0].gt(x[0][0]); },
     [](const V& x) { return gt(x[0], x[0][0]); }},
    {"lt", {{{2, 3}}}, [](const V& x) { return x[0].lt(x[0][0]); },
     [](const V& x) { return lt(x[0], x[0][0]); }},
    {"ge", {{{2, 3}}}, [](const V& x) { return x[0].ge(x[0][0]); },
     [](const V& x) { return ge(x[0], x[0][0]); }},
    {"le", {{{2, 3}}}, [](const V& x) { return x[0].le(x[0][0]); },
     [](const V& x) { return le(x[0], x[0][0]); }},
    {"eq", {{{2, 3}}}, [](const V& x) { return x[0].eq(x[0][0]); },
     [](const V& x) { return eq(x[0], x[0][0]); }},
    {"ne", {{{2, 3}}}, [](const V& x) { return x[0].ne(x[0][0]); },
     [](const V& x) { return ne(x[0], x[0][0]); }},
    // ---- against a number, as PyTorch takes one (t.gt(0.5)); eq's inputs are ±1, so it holds
    // somewhere and fails somewhere
    {"gt_number", {{{2, 3}}}, [](const V& x) { return x[0].gt(0.5); },
     [](const V& x) { return gt(x[0], 0.5); }},
    {"lt_number", {{{2, 3}}}, [](const V& x) { return x[0].lt(-0.5); },
     [](const V& x) { return lt(x[0], -0.5); }},
    {"ge_number", {{{2, 3}}}, [](const V& x) { return x[0].ge(0); },
     [](const V& x) { return ge(x[0], 0.0); }},
    {"le_number", {{{2, 3}}}, [](const V& x) { return x[0].le(1.5); },
     [](const V& x) { return le(x[0], 1.5); }},
    {"eq_number", {{{2, 3}, {1.0, 1.0, true}}}, [](const V& x) { return x[0].eq(1.0); },
     [](const V& x) { return eq(x[0], 1.0); }},
    {"ne_number", {{{2, 3}, {1.0, 1.0, true}}}, [](const V& x) { return x[0].ne(1.0); },
     [](const V& x) { return ne(x[0], 1.0); }},
    // ---- maximum and minimum, of a tensor (broadcast) or a number
    {"maximum", {{{2, 3}}, {{3}}}, [](const V& x) { return x[0].maximum(x[1]); },
     [](const V& x) { return maximum(x[0], x[1]); }},
    {"maximum_number", {{{2, 3}}}, [](const V& x) { return x[0].maximum(0.3); },
     [](const V& x) { return maximum(x[0], 0.3); }},
    {"minimum", {{{3}}, {{2, 3}}}, [](const V& x) { return x[0].minimum(x[1]); },
     [](const V& x) { return minimum(x[0], x[1]); }},
    {"minimum_number", {{{2, 3}}}, [](const V& x) { return x[0].minimum(-0.3); },
     [](const V& x) { return minimum(x[0], -0.3); }},
    // ---- x.where(condition, y), PyTorch's method form of where(condition, x, y); the condition
    // is x > 0, which holds somewhere and fails somewhere
    {"where", {{{2, 3}}, {{3}}}, [](const V& x) { return x[0].where(x[0].gt(0.0), x[1]); },
     [](const V& x) { return where(gt(x[0], 0.0), x[0], x[1]); }},
    {"where_number", {{{2, 3}}}, [](const V& x) { return x[0].where(x[0].gt(0.0), 0.5); },
     [](const V& x) { return where(gt(x[0], 0.0), x[0], 0.5); }},
    // ---- chained, as PyTorch code reads, and in float32
    {"chain_relu_mean", {{{2, 3}}}, [](const V& x) { return x[0].relu().mean(); },
     [](const V& x) { return mean(relu(x[0])); }},
    {"chain_linear_log_softmax", {{{2, 3}}, {{3, 4}}},
     [](const V& x) { return x[0].matmul(x[1]).tanh().log_softmax(1).sum(0); },
     [](const V& x) { return sum(log_softmax(tanh(matmul(x[0], x[1])), 1), 0); }},
    {"float32_sum_axis", {{{2, 3}}}, [](const V& x) { return x[0].to(DType::Float32).sum(1); },
     [](const V& x) { return sum(x[0].to(DType::Float32), 1); }},
};

/// What a call produced: its values and shape, whether it requires grad, and the gradient each
/// input received from a backward pass with a fixed random upstream gradient.
struct Outcome {
  Shape shape;
  std::vector<double> values;
  bool requires_grad = false;
  std::vector<std::optional<std::vector<double>>> grads;
};

Outcome run(const TensorFunction& f, const std::vector<InputSpec>& specs) {
  new_graph();
  Generator gen(42);
  std::vector<Tensor> inputs;
  for (const InputSpec& s : specs) inputs.push_back(test::sample(s, gen).requires_grad_());
  const Tensor y = f(inputs);
  Outcome out{y.shape(), y.to_vector(), y.requires_grad(), {}};
  if (!y.requires_grad()) return out;
  y.backward(Tensor::randn(y.shape(), 7, y.dtype()));
  for (const Tensor& x : inputs) {
    const Tensor g = x.grad();
    out.grads.push_back(g.defined() ? std::optional(g.to_vector()) : std::nullopt);
  }
  return out;
}

class TensorMethod : public ::testing::TestWithParam<MethodCase> {};

TEST_P(TensorMethod, SameValuesAndGradientsAsTheFreeFunction) {
  const MethodCase& c = GetParam();
  const Outcome method = run(c.method, c.inputs);
  const Outcome function = run(c.function, c.inputs);
  EXPECT_EQ(method.shape, function.shape);
  EXPECT_EQ(method.values, function.values);
  EXPECT_EQ(method.requires_grad, function.requires_grad);
  EXPECT_EQ(method.grads, function.grads);
  // Guards against a table row whose gradient never reaches an input: both would agree on none.
  for (const auto& g : method.grads) EXPECT_TRUE(g.has_value());
}

std::string case_name(const ::testing::TestParamInfo<MethodCase>& info) {
  return test::test_name(info.param.name);
}

INSTANTIATE_TEST_SUITE_P(AllMethods, TensorMethod, ::testing::ValuesIn(kCases), case_name);

// ---- bad arguments: the free function's Error, word for word -----------------------------------

struct ErrorCase {
  std::string name;
  std::string op;  // the message must start "op: "
  std::function<void()> method;
  std::function<void()> function;
};

std::ostream& operator<<(std::ostream& os, const ErrorCase& c) { return os << c.name; }

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.what();
  }
  return "no Error";
}

const Tensor& m23() {
  static const Tensor t = Tensor::ones({2, 3});
  return t;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const ErrorCase kErrorCases[] = {
    {"sum_axis_out_of_range", "sum", [] { (void)m23().sum(2); }, [] { (void)sum(m23(), 2); }},
    {"sum_axis_twice", "sum", [] { (void)m23().sum({0, -2}); },
     [] { (void)sum(m23(), {0, -2}); }},
    {"mean_negative_axis_out_of_range", "mean", [] { (void)m23().mean(-3, true); },
     [] { (void)mean(m23(), -3, true); }},
    {"max_axis_twice", "max", [] { (void)m23().max({1, 1}, true); },
     [] { (void)max(m23(), {1, 1}, true); }},
    {"min_axis_out_of_range", "min", [] { (void)m23().min(5); }, [] { (void)min(m23(), 5); }},
    {"max_of_empty", "max", [] { (void)Tensor::zeros({0, 3}).max(); },
     [] { (void)max(Tensor::zeros({0, 3})); }},
    {"argmax_axis_out_of_range", "argmax", [] { (void)m23().argmax(2); },
     [] { (void)argmax(m23(), 2); }},
    {"argmax_empty_axis", "argmax", [] { (void)Tensor::zeros({2, 0}).argmax(1); },
     [] { (void)argmax(Tensor::zeros({2, 0}), 1); }},
    {"softmax_axis_out_of_range", "softmax", [] { (void)m23().softmax(2); },
     [] { (void)softmax(m23(), 2); }},
    {"log_softmax_axis_out_of_range", "log_softmax", [] { (void)m23().log_softmax(-3); },
     [] { (void)log_softmax(m23(), -3); }},
    {"matmul_inner_extents_differ", "matmul", [] { (void)m23().matmul(m23()); },
     [] { (void)matmul(m23(), m23()); }},
    {"pow_shapes_do_not_broadcast", "pow", [] { (void)m23().pow(Tensor::ones({4})); },
     [] { (void)pow(m23(), Tensor::ones({4})); }},
    {"pow_dtypes_differ", "pow", [] { (void)m23().pow(Tensor::ones({3}, DType::Float64)); },
     [] { (void)pow(m23(), Tensor::ones({3}, DType::Float64)); }},
    {"clamp_lo_above_hi", "clamp", [] { (void)m23().clamp(1.0, 0.0); },
     [] { (void)clamp(m23(), 1.0, 0.0); }},
    {"clamp_min_nan", "clamp_min", [] { (void)m23().clamp_min(kNaN); },
     [] { (void)clamp_min(m23(), kNaN); }},
    {"clamp_max_nan", "clamp_max", [] { (void)m23().clamp_max(kNaN); },
     [] { (void)clamp_max(m23(), kNaN); }},
    {"gt_shapes_do_not_broadcast", "gt", [] { (void)m23().gt(Tensor::ones({2})); },
     [] { (void)gt(m23(), Tensor::ones({2})); }},
    {"eq_dtypes_differ", "eq", [] { (void)m23().eq(Tensor::ones({3}, DType::Float64)); },
     [] { (void)eq(m23(), Tensor::ones({3}, DType::Float64)); }},
    {"gt_number_of_undefined", "gt", [] { (void)Tensor().gt(1.0); },
     [] { (void)gt(Tensor(), 1.0); }},
    {"maximum_shapes_do_not_broadcast", "max", [] { (void)m23().maximum(Tensor::ones({2})); },
     [] { (void)maximum(m23(), Tensor::ones({2})); }},
    {"minimum_number_of_undefined", "min", [] { (void)Tensor().minimum(1.0); },
     [] { (void)minimum(Tensor(), 1.0); }},
};

class TensorMethodError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(TensorMethodError, IsTheFreeFunctionsError) {
  const ErrorCase& c = GetParam();
  const std::string method = error_of(c.method);
  EXPECT_EQ(method.rfind(c.op + ": ", 0), 0u) << method;
  EXPECT_EQ(method, error_of(c.function));
}

std::string error_case_name(const ::testing::TestParamInfo<ErrorCase>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(BadArguments, TensorMethodError, ::testing::ValuesIn(kErrorCases),
                         error_case_name);

// t.max(0.0) does not compile, as max(t, 0.0) does not: it would reduce over axis 0 where a
// PyTorch user or max(Var, 0.0) means an elementwise maximum (t.clamp_min(0.0)). No reduction
// takes a floating-point axis, which would convert silently.
template <class A>
concept MaxMethodWith = requires(const Tensor& t, A a) { t.max(a); };
template <class A>
concept MinMethodWith = requires(const Tensor& t, A a) { t.min(a, true); };
template <class A>
concept SumMethodWith = requires(const Tensor& t, A a) { t.sum(a); };
template <class A>
concept MeanMethodWith = requires(const Tensor& t, A a) { t.mean(a, true); };
static_assert(!MaxMethodWith<double> && !MinMethodWith<float>);
static_assert(!SumMethodWith<double> && !MeanMethodWith<float>);
static_assert(MaxMethodWith<int> && MinMethodWith<std::int64_t>);
static_assert(SumMethodWith<int> && MeanMethodWith<std::int64_t>);

}  // namespace
}  // namespace gradflow
