#include "train/non_finite.hpp"

#include <gradflow/core/error.hpp>

#include <cmath>

namespace gradflow::cli {

std::optional<std::string> first_non_finite_parameter(const nn::Module& model) {
  for (const nn::NamedTensor& p : model.named_parameters()) {
    for (const double v : p.tensor.to_vector()) {
      if (!std::isfinite(v)) return p.name;
    }
  }
  return std::nullopt;
}

void require_finite_parameters(const nn::Module& model, const std::string& file) {
  if (const std::optional<std::string> name = first_non_finite_parameter(model)) {
    throw gradflow::Error(file + ": the parameter " + *name +
                          " holds NaN or infinite values; retrain the model (a smaller --lr)");
  }
}

}  // namespace gradflow::cli
