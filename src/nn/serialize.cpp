// state_dict / load_state_dict / save / load. The checks are the data layer's (data::check),
// so every loader in gradflow words a mismatch the same way.

#include <gradflow/core/tape.hpp>
#include <gradflow/nn/arrays.hpp>
#include <gradflow/nn/serialize.hpp>

#include <string>
#include <vector>

namespace gradflow::nn {

data::NamedArrays state_dict(const Module& module) {
  data::NamedArrays out;
  for (const NamedTensor& p : module.named_parameters()) out.emplace(p.name, to_array(p.tensor));
  return out;
}

void load_state_dict(Module& module, const data::NamedArrays& tensors, std::string_view source) {
  const std::vector<NamedTensor> params = module.named_parameters();
  std::vector<data::TensorSpec> expected;
  expected.reserve(params.size());
  for (const NamedTensor& p : params) {
    expected.push_back({p.name, data_dtype(p.tensor.dtype()), p.tensor.shape().vec()});
  }
  data::check(tensors, expected, source);  // all checks before the first change
  const NoGradGuard no_grad;
  for (const NamedTensor& p : params) {
    Tensor target = p.tensor;
    target.copy_(to_tensor(tensors.at(p.name), target.dtype()));
  }
}

void save(const Module& module, const std::filesystem::path& path, const data::Metadata& metadata) {
  data::save_safetensors(path, state_dict(module), metadata);
}

data::Metadata load(Module& module, const std::filesystem::path& path) {
  data::SafetensorsFile file = data::load_safetensors(path);
  load_state_dict(module, file.tensors, path.string());
  return std::move(file.metadata);
}

}  // namespace gradflow::nn
