#pragma once
/// @file
/// Parameter initialisation, as torch.nn.init: Kaiming (He) and Xavier (Glorot), uniform and
/// normal, drawn from a seedable Generator. The functions overwrite a tensor's values in place
/// (without recording), so they work on parameters that already require grad.

#include <gradflow/tensor/random.hpp>
#include <gradflow/tensor/tensor_type.hpp>

#include <cstdint>

namespace gradflow::nn::init {

/// Whether Kaiming scales by the fan-in (preserves the forward variance) or the fan-out
/// (preserves the backward variance).
enum class FanMode { fan_in, fan_out };

/// The nonlinearity that follows the layer, for gain().
enum class Nonlinearity { linear, sigmoid, tanh, relu, leaky_relu };

/// Fan-in and fan-out of a weight: [out, in] for Linear, [out, in, kh, kw] for Conv2d (the
/// receptive field multiplies both). Throws Error for fewer than 2 dimensions.
struct Fans {
  std::int64_t in = 0;
  std::int64_t out = 0;
};
Fans fans(const Tensor& weight);

/// torch.nn.init.calculate_gain: 1 for linear and sigmoid, 5/3 for tanh, sqrt(2) for relu,
/// sqrt(2 / (1 + slope²)) for leaky_relu with negative slope `param`.
double gain(Nonlinearity nonlinearity, double param = 0.01);

/// Uniform values on [lo, hi).
void uniform_(Tensor& t, double lo, double hi, Generator& gen);
/// Normal values of this mean and standard deviation.
void normal_(Tensor& t, double mean, double stddev, Generator& gen);
/// All zeros.
void zeros_(Tensor& t);

/// U(-b, b) with b = gain * sqrt(3 / fan): He et al. 2015. PyTorch's default for Linear and
/// Conv2d weights is kaiming_uniform_(w, gen, sqrt(5)), which makes b = 1 / sqrt(fan_in).
void kaiming_uniform_(Tensor& t, Generator& gen, double a = 0.0, FanMode mode = FanMode::fan_in,
                      Nonlinearity nonlinearity = Nonlinearity::leaky_relu);
/// N(0, std²) with std = gain / sqrt(fan).
void kaiming_normal_(Tensor& t, Generator& gen, double a = 0.0, FanMode mode = FanMode::fan_in,
                     Nonlinearity nonlinearity = Nonlinearity::leaky_relu);
/// U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)): Glorot and Bengio 2010.
void xavier_uniform_(Tensor& t, Generator& gen, double gain = 1.0);
/// N(0, std²) with std = gain * sqrt(2 / (fan_in + fan_out)).
void xavier_normal_(Tensor& t, Generator& gen, double gain = 1.0);

}  // namespace gradflow::nn::init
