// softmax, log_softmax and the losses built on them. Along the last axis they are row loops;
// another axis is moved last by a transpose (a view) and back.

#include "autograd.hpp"
#include "kernels.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/tensor/ops.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace gradflow {

using detail::dispatch;
using detail::elements;

namespace {

/// Rows of a contiguous tensor along its last axis: (count, length).
std::pair<std::int64_t, std::int64_t> rows_of(const Tensor& t) {
  const std::int64_t len = t.dim() == 0 ? 1 : t.shape().back();
  return {len == 0 ? 0 : t.numel() / len, len};
}

/// out = log_softmax (Log) or softmax of each row, stable: the row maximum is subtracted
/// before exp, so scores of ±1000 give finite results.
template <bool Log, class T>
void rows_softmax(const T* x, T* out, std::int64_t rows, std::int64_t len) {
  for (std::int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * len;
    T* o = out + r * len;
    T m = xr[0];
    for (std::int64_t i = 1; i < len; ++i) m = xr[i] > m ? xr[i] : m;
    double s = 0.0;
    for (std::int64_t i = 0; i < len; ++i) s += std::exp(static_cast<double>(xr[i] - m));
    if constexpr (Log) {
      const T lse = static_cast<T>(std::log(s)) + m;
      for (std::int64_t i = 0; i < len; ++i) o[i] = xr[i] - lse;
    } else {
      const double inv = 1.0 / s;
      for (std::int64_t i = 0; i < len; ++i) {
        o[i] = static_cast<T>(std::exp(static_cast<double>(xr[i] - m)) * inv);
      }
    }
  }
}

template <bool Log>
struct SoftmaxStep final : detail::TensorStep {
  explicit SoftmaxStep(const Tensor& out) : TensorStep(Log ? "log_softmax" : "softmax"), out_(out) {}
  // log_softmax: dx = g - softmax * sum(g); softmax: dx = y * (g - sum(g * y)), per row.
  void run(Tensor g) override {
    const Tensor& y = out_.get(name());
    Tensor gx = detail::empty_like_shape(y.shape(), y.dtype());
    const auto [rows, len] = rows_of(y);
    dispatch(y.dtype(), [&]<class T>() {
      const T* py = elements<T>(y);
      const T* pg = elements<T>(g);
      T* r = elements<T>(gx);
      for (std::int64_t row = 0; row < rows; ++row) {
        const T* yr = py + row * len;
        const T* gr = pg + row * len;
        T* o = r + row * len;
        double s = 0.0;
        if constexpr (Log) {
          for (std::int64_t i = 0; i < len; ++i) s += static_cast<double>(gr[i]);
          for (std::int64_t i = 0; i < len; ++i) {
            o[i] = static_cast<T>(static_cast<double>(gr[i]) - std::exp(static_cast<double>(yr[i])) * s);
          }
        } else {
          for (std::int64_t i = 0; i < len; ++i) s += static_cast<double>(gr[i]) * static_cast<double>(yr[i]);
          for (std::int64_t i = 0; i < len; ++i) {
            o[i] = static_cast<T>(static_cast<double>(yr[i]) * (static_cast<double>(gr[i]) - s));
          }
        }
      }
    });
    give(0, std::move(gx));
  }
  detail::Saved out_;
};

template <bool Log>
Tensor softmax_impl(const Tensor& a, std::int64_t axis) {
  const char* op = Log ? "log_softmax" : "softmax";
  detail::check_defined(a, op);
  if (a.dim() == 0) return softmax_impl<Log>(a.reshape({1}), 0).reshape({});
  const int ax = normalize_axis(axis, a.shape().size(), op);
  if (ax != a.dim() - 1) return softmax_impl<Log>(a.transpose(ax, -1), -1).transpose(ax, -1);
  const Tensor x = a.is_contiguous() ? a : detail::copy_values(a);
  Tensor out = detail::empty_like_shape(a.shape(), a.dtype());
  const auto [rows, len] = rows_of(x);
  dispatch(a.dtype(), [&]<class T>() { rows_softmax<Log, T>(elements<T>(x), elements<T>(out), rows, len); });
  if (detail::needs_grad({&a}, op)) {
    detail::record(out, std::make_unique<SoftmaxStep<Log>>(out), {&a});
  }
  return out;
}

void check_labels(const Tensor& scores, const std::vector<std::int64_t>& labels, const char* op) {
  if (scores.dim() != 2) {
    detail::fail(std::string(op) + ": scores must be [N,C], got shape " + scores.shape().str());
  }
  const std::int64_t n = scores.shape()[0], c = scores.shape()[1];
  if (static_cast<std::int64_t>(labels.size()) != n) {
    detail::fail(std::string(op) + ": " + std::to_string(labels.size()) + " labels for " +
                 std::to_string(n) + " rows of scores " + scores.shape().str());
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= c) {
      detail::fail(std::string(op) + ": label " + std::to_string(labels[i]) + " at position " +
                   std::to_string(i) + " is not a class index in [0," + std::to_string(c) +
                   ") for scores " + scores.shape().str());
    }
  }
}

/// A margin that is not finite gives no loss anyone meant, so it is refused: unchecked, NaN made
/// the loss NaN and +inf made it NaN (inf - inf) with finite gradients. PyTorch does not check
/// the margin; its kernel keeps each term with margin - s_y + s_j > 0, so it returns 0 for a NaN
/// margin and inf for +inf, just as silently.
void check_margin(double margin, const char* op) {
  if (!std::isfinite(margin)) {
    detail::fail(std::string(op) + ": margin must be finite, got " + detail::number_str(margin));
  }
}

// cross_entropy as one step: the forward keeps the softmax, and the gradient is
// (softmax - onehot(label)) / N, without a graph of log_softmax, gather and mean.
struct CrossEntropyStep final : detail::TensorStep {
  CrossEntropyStep(Tensor probs, std::vector<std::int64_t> labels)
      : TensorStep("cross_entropy"), probs_(std::move(probs)), labels_(std::move(labels)) {}
  void run(Tensor g) override {
    Tensor gx = detail::empty_like_shape(probs_.shape(), probs_.dtype());
    const std::int64_t n = probs_.shape()[0], c = probs_.shape()[1];
    dispatch(gx.dtype(), [&]<class T>() {
      const T scale = static_cast<T>(g.item() / static_cast<double>(n));
      const T* p = elements<T>(probs_);
      T* r = elements<T>(gx);
      for (std::int64_t i = 0; i < n * c; ++i) r[i] = p[i] * scale;
      for (std::int64_t i = 0; i < n; ++i) r[i * c + labels_[static_cast<std::size_t>(i)]] -= scale;
    });
    give(0, std::move(gx));
  }
  Tensor probs_;  // private to the step: never changed in place
  std::vector<std::int64_t> labels_;
};

}  // namespace

Tensor softmax(const Tensor& a, std::int64_t axis) { return softmax_impl<false>(a, axis); }
Tensor log_softmax(const Tensor& a, std::int64_t axis) { return softmax_impl<true>(a, axis); }

Tensor cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& labels) {
  detail::check_defined(logits, "cross_entropy");
  check_labels(logits, labels, "cross_entropy");
  const Tensor x = logits.is_contiguous() ? logits : detail::copy_values(logits);
  const std::int64_t n = x.shape()[0], c = x.shape()[1];
  Tensor probs = detail::empty_like_shape(x.shape(), x.dtype());
  Tensor out = detail::empty_like_shape({}, x.dtype());
  dispatch(x.dtype(), [&]<class T>() {
    const T* px = elements<T>(x);
    T* pp = elements<T>(probs);
    rows_softmax<true, T>(px, pp, n, c);  // log-probabilities first, for the loss
    double loss = 0.0;
    for (std::int64_t i = 0; i < n; ++i) loss -= static_cast<double>(pp[i * c + labels[static_cast<std::size_t>(i)]]);
    *elements<T>(out) = static_cast<T>(n > 0 ? loss / static_cast<double>(n) : std::nan(""));
    for (std::int64_t i = 0; i < n * c; ++i) pp[i] = static_cast<T>(std::exp(static_cast<double>(pp[i])));
  });
  if (detail::needs_grad({&logits}, "cross_entropy")) {
    detail::record(out, std::make_unique<CrossEntropyStep>(probs, labels), {&logits});
  }
  return out;
}

Tensor mse_loss(const Tensor& input, const Tensor& target) {
  detail::check_defined(input, "mse_loss");
  detail::check_defined(target, "mse_loss");
  if (input.shape() != target.shape()) {
    detail::fail("mse_loss: input " + input.shape().str() + " and target " +
                 target.shape().str() + " must have the same shape");
  }
  const Tensor d = input - target;
  return mean(d * d);
}

Tensor hinge_loss(const Tensor& scores, const std::vector<std::int64_t>& labels, double margin) {
  detail::check_defined(scores, "hinge_loss");
  check_labels(scores, labels, "hinge_loss");
  check_margin(margin, "hinge_loss");
  const std::int64_t n = scores.shape()[0], c = scores.shape()[1];
  // The notes' sum over j != y: the j = y terms are left out by `where`, not subtracted
  // afterwards as max(0, margin), because an infinite s_y makes its term s_y - s_y + margin NaN
  // (PyTorch's kernel skips j = y too: an s_y of +inf gives that row 0, -inf gives inf).
  std::vector<double> others(static_cast<std::size_t>(n * c), 1.0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    others[i * static_cast<std::size_t>(c) + static_cast<std::size_t>(labels[i])] = 0.0;
  }
  const Tensor correct = gather(scores, 1, labels);  // [N,1]
  const Tensor margins = relu(scores - correct + margin);
  const Tensor counted = where(tensor(std::move(others), {n, c}, scores.dtype()), margins,
                               Tensor::zeros({}, scores.dtype()));
  return sum(counted) * (1.0 / static_cast<double>(n));
}

Tensor multi_margin_loss(const Tensor& scores, const std::vector<std::int64_t>& labels,
                         double margin) {
  detail::check_defined(scores, "multi_margin_loss");
  check_labels(scores, labels, "multi_margin_loss");
  check_margin(margin, "multi_margin_loss");
  return hinge_loss(scores, labels, margin) * (1.0 / static_cast<double>(scores.shape()[1]));
}

}  // namespace gradflow
