#pragma once
/// @file
/// Saving and loading a module's parameters as safetensors, named as PyTorch's state_dict
/// ("0.weight", "0.bias", ...), so a model trained here opens with safetensors.torch.load_file
/// and loads into the same torch.nn.Sequential with load_state_dict.

#include <gradflow/data/safetensors.hpp>
#include <gradflow/nn/module.hpp>

#include <filesystem>
#include <string_view>

namespace gradflow::nn {

/// The parameters' values by name (copies, in the parameters' element types).
data::NamedArrays state_dict(const Module& module);

/// Copies `tensors` into the module's parameters. Throws Error, naming `source` and the first
/// parameter that differs (missing, unexpected, other dtype, other shape: expected and found),
/// before changing anything, so a file of another architecture leaves the module as it was.
void load_state_dict(Module& module, const data::NamedArrays& tensors,
                     std::string_view source = "state dict");

/// Writes the parameters (and `metadata`) to a safetensors file, atomically: an interrupted save
/// leaves the old file or none, never half of one.
void save(const Module& module, const std::filesystem::path& path,
          const data::Metadata& metadata = {});

/// Reads a safetensors file into the module's parameters (see load_state_dict) and returns the
/// file's metadata. Throws Error naming the file for a missing, corrupt or mismatching file.
data::Metadata load(Module& module, const std::filesystem::path& path);

}  // namespace gradflow::nn
