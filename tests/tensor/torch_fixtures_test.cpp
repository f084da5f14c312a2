// Composite expressions against PyTorch: torch_fixtures.txt holds inputs, outputs and input
// gradients computed by PyTorch (make_torch_fixtures.py); each case is recomputed here by name
// with gradflow, with the same upstream gradient of ones.

#include <gradflow/tensor/tensor.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace gradflow {
namespace {

using V = std::vector<Tensor>;
using Expr = std::function<Tensor(const V&)>;

const std::vector<std::int64_t> kLabels4 = {0, 2, 1, 2};

Tensor hinge(const Tensor& s) { return hinge_loss(s, kLabels4); }

const std::map<std::string, Expr>& expressions() {
  static const std::map<std::string, Expr> m = {
      {"mlp_cross_entropy",
       [](const V& x) { return cross_entropy(matmul(relu(matmul(x[0], x[1]) + x[2]), x[3]) + x[4], kLabels4); }},
      {"softmax_mse", [](const V& x) { return mse_loss(softmax(x[0], 1), x[1]); }},
      {"log_softmax_extreme", [](const V& x) { return log_softmax(x[0] * 1000.0, 1); }},
      {"softmax_axis0",
       [](const V& x) { return softmax(x[0], 0) * Tensor::arange(6, x[0].dtype()).reshape({3, 2}); }},
      {"sigmoid_tanh_broadcast", [](const V& x) { return sigmoid(x[0]) * tanh(x[1]) / (1.0 + exp(x[2])); }},
      {"batched_matmul", [](const V& x) { return mean(pow(matmul(x[0], x[1]), 2.0)); }},
      {"batched_matmul_broadcast", [](const V& x) { return sum(tanh(matmul(x[0], x[1])), 1); }},
      {"conv_relu_pool",
       [](const V& x) { return sum(pow(max_pool2d(relu(conv2d(x[0], x[1], x[2], 1, 1)), 2), 2.0)); }},
      {"conv_stride2", [](const V& x) { return conv2d(x[0], x[1], Tensor(), 2); }},
      {"hinge_loss", [](const V& x) { return hinge(x[0]); }},
      {"amax_amin_keepdim", [](const V& x) { return max(x[0], 1, true) - min(x[0], 0, true); }},
      {"sum_mean_axes", [](const V& x) { return sum(x[0], {0, 2}) * sum(mean(x[0], 1)); }},
      {"index_gather_cat_where",
       [](const V& x) {
         const Tensor& a = x[0];
         const Tensor joined = cat({index_select(a, 0, {2, 0, 2}),
                                    where(gt(a, zeros_like(a)), a, 0.1 * a), clamp(a, -0.5, 0.5)},
                                   0);
         return sum(joined, 0) + sum(gather(a, 1, std::vector<std::int64_t>{1, 3, 0}));
       }},
      {"stack_slices",
       [](const V& x) { return stack({x[0][0], x[0][2] * 2.0, sum(x[0].slice(0, 1, 4, 2), 0)}, 1); }},
      {"permute_reshape_matmul",
       [](const V& x) { return matmul(x[0].permute({2, 0, 1}).reshape({4, 6}), x[1]); }},
      {"transpose_views",
       [](const V& x) { return matmul(x[0].t(), x[1]) * sum(x[0].t(), 1, true); }},
      {"pow_div_sqrt",
       [](const V& x) { return sqrt(x[0]) / pow(x[0] + x[1], 2.0) + pow(x[0], x[1]); }},
      {"log_abs_sin_cos",
       [](const V& x) {
         const Tensor& a = x[0];
         return log(abs(a) + 1.0) * sin(a) - pow(cos(a), 2.0) + 1.0 / (a * a + 1.0);
       }},
      {"max_min_binary", [](const V& x) { return maximum(x[0], x[1]) * minimum(x[0], -x[1]); }},
      {"mlp_cross_entropy_float32",
       [](const V& x) { return cross_entropy(matmul(relu(matmul(x[0], x[1]) + x[2]), x[3]) + x[4], kLabels4); }},
      {"pow_zero_base",
       [](const V& x) { return pow(0.0, x[0]) * Tensor::arange(1, 5, 1, x[0].dtype()) + pow(2.5, x[0]); }},
  };
  return m;
}

struct Record {
  std::vector<std::int64_t> shape;
  std::vector<double> values;
};

struct Case {
  std::string name;
  DType dtype = DType::Float64;
  std::vector<Record> inputs, grads;
  Record output;
};

Record parse_record(std::istringstream& line) {
  Record r;
  std::string shape;
  line >> shape;
  if (shape != "-") {
    std::istringstream dims(shape);
    std::string d;
    while (std::getline(dims, d, 'x')) r.shape.push_back(std::stoll(d));
  }
  double v;
  while (line >> v) r.values.push_back(v);
  return r;
}

std::vector<Case> load() {
  std::ifstream in(GRADFLOW_TENSOR_FIXTURES);
  std::vector<Case> cases;
  std::string text;
  while (std::getline(in, text)) {
    std::istringstream line(text);
    std::string kind;
    line >> kind;
    if (kind == "case") {
      Case c;
      std::string dtype;
      line >> c.name >> dtype;
      c.dtype = dtype == "Float32" ? DType::Float32 : DType::Float64;
      cases.push_back(c);
    } else if (kind == "input") {
      cases.back().inputs.push_back(parse_record(line));
    } else if (kind == "output") {
      cases.back().output = parse_record(line);
    } else if (kind == "grad") {
      cases.back().grads.push_back(parse_record(line));
    }
  }
  return cases;
}

void expect_close(const Tensor& got, const Record& want, double tol, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what;
  EXPECT_EQ(got.shape(), want.shape) << what;
  const std::vector<double> v = got.to_vector();
  ASSERT_EQ(v.size(), want.values.size()) << what;
  for (std::size_t i = 0; i < v.size(); ++i) {
    EXPECT_NEAR(v[i], want.values[i], tol * (1.0 + std::fabs(want.values[i]))) << what << " at " << i;
  }
}

TEST(TorchFixtures, EveryCaseMatchesPyTorch) {
  const std::vector<Case> cases = load();
  ASSERT_GE(cases.size(), 20u) << "fixtures missing: " << GRADFLOW_TENSOR_FIXTURES;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const auto it = expressions().find(c.name);
    ASSERT_NE(it, expressions().end()) << "no gradflow expression for fixture " << c.name;
    new_graph();
    V inputs;
    for (const Record& r : c.inputs) inputs.push_back(tensor(r.values, r.shape, c.dtype).requires_grad_());
    const Tensor out = it->second(inputs);
    const double tol = c.dtype == DType::Float32 ? 2e-5 : 1e-10;
    expect_close(out, c.output, tol, c.name + " output");
    out.backward(ones_like(out));
    ASSERT_EQ(c.grads.size(), inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      expect_close(inputs[i].grad(), c.grads[i], tol, c.name + " grad of input " + std::to_string(i));
    }
  }
}

TEST(TorchFixtures, EveryExpressionHasAFixture) {
  const std::vector<Case> cases = load();
  for (const auto& [name, f] : expressions()) {
    bool found = false;
    for (const Case& c : cases) found = found || c.name == name;
    EXPECT_TRUE(found) << name;
  }
}

}  // namespace
}  // namespace gradflow
