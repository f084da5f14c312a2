#pragma once
/// @file
/// Checkpoints: a model's parameters plus what it takes to rebuild it (kind, sample shape,
/// classes) in the safetensors metadata, so `gradflow eval --load FILE` needs no other flags.

#include <gradflow/data/safetensors.hpp>
#include <gradflow/nn/models.hpp>

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace gradflow::nn {

/// What make_model() needs to rebuild an architecture.
struct ModelSpec {
  ModelKind kind = ModelKind::mlp;
  std::vector<std::int64_t> sample_shape;  // e.g. {1, 28, 28} or {2}
  std::int64_t classes = 0;
};

/// The spec as metadata: "gradflow.model" = "mlp", "gradflow.sample_shape" = "1,28,28",
/// "gradflow.classes" = "10".
data::Metadata to_metadata(const ModelSpec& spec);
/// The spec in a file's metadata. Throws Error naming `source` and the key when one is missing
/// or malformed (a file not saved by save_model, e.g. one written by PyTorch).
ModelSpec spec_from_metadata(const data::Metadata& metadata, std::string_view source);

/// Saves the parameters with the spec (and `extra` metadata), atomically.
void save_model(const Module& model, const ModelSpec& spec, const std::filesystem::path& path,
                const data::Metadata& extra = {});

/// A model rebuilt from a checkpoint, with its spec and the file's metadata.
struct LoadedModel {
  Sequential model;
  ModelSpec spec;
  data::Metadata metadata;
};
/// Rebuilds the model a save_model() file describes and loads its parameters (float32). Throws
/// Error naming the file for a missing, corrupt or inconsistent file.
LoadedModel load_model(const std::filesystem::path& path);

}  // namespace gradflow::nn
