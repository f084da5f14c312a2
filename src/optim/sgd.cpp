// SGD's update as one loop per parameter over raw values, in the parameter's own precision with
// the hyperparameters rounded to it (what PyTorch's float32 kernels do), in PyTorch's order of
// operations so that results agree to rounding.

#include <gradflow/core/error.hpp>
#include <gradflow/optim/sgd.hpp>

namespace gradflow::optim {

namespace {

template <class T>
void sgd_update(T* p, const T* g, T* buf, bool first, std::int64_t n, const SGDOptions& o,
                double lr) {
  const T wd = static_cast<T>(o.weight_decay);
  const T mom = static_cast<T>(o.momentum);
  const T damp = static_cast<T>(1.0 - o.dampening);
  const T step = static_cast<T>(-lr);
  for (std::int64_t i = 0; i < n; ++i) {
    T d = o.weight_decay != 0.0 ? g[i] + wd * p[i] : g[i];
    if (buf != nullptr) {
      buf[i] = first ? d : mom * buf[i] + damp * d;
      d = o.nesterov ? d + mom * buf[i] : buf[i];
    }
    p[i] += step * d;
  }
}

}  // namespace

SGD::SGD(std::vector<Tensor> params, SGDOptions options)
    : Optimizer(std::move(params), options.lr), options_(options), momentum_(params_.size()) {
  if (!(options.momentum >= 0.0) || !(options.weight_decay >= 0.0)) {
    gradflow::detail::fail("SGD: momentum and weight_decay must be >= 0");
  }
  if (options.nesterov && (options.momentum <= 0.0 || options.dampening != 0.0)) {
    gradflow::detail::fail("SGD: Nesterov momentum needs momentum > 0 and dampening 0");
  }
}

void SGD::step() {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    const Tensor g = p.grad();
    if (!g.defined()) continue;
    const bool first = options_.momentum != 0.0 && !momentum_[i].defined();
    if (first) momentum_[i] = Tensor::empty(p.shape(), p.dtype());
    const bool with_buf = options_.momentum != 0.0;
    if (p.dtype() == DType::Float32) {
      sgd_update(p.data<float>(), g.contiguous().data<float>(),
                 with_buf ? momentum_[i].data<float>() : nullptr, first, p.numel(), options_, lr_);
    } else {
      sgd_update(p.data<double>(), g.contiguous().data<double>(),
                 with_buf ? momentum_[i].data<double>() : nullptr, first, p.numel(), options_, lr_);
    }
    detail::mark_updated(p);
  }
}

}  // namespace gradflow::optim
