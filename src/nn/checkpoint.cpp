// Checkpoints: the model spec in the safetensors metadata, next to the parameters.

#include <gradflow/core/error.hpp>
#include <gradflow/nn/checkpoint.hpp>
#include <gradflow/nn/serialize.hpp>

#include <charconv>
#include <string>
#include <vector>

namespace gradflow::nn {

namespace {

constexpr std::string_view kModel = "gradflow.model";
constexpr std::string_view kShape = "gradflow.sample_shape";
constexpr std::string_view kClasses = "gradflow.classes";

// gradflow's data sets have samples of 1 or 3 dimensions; many more is a damaged or crafted
// file, and every message that prints the shape would grow with it.
constexpr std::size_t kMaxSampleDims = 8;

// A metadata value as an error message shows it: the file may hold anything, of any length.
std::string shown_value(std::string_view text) {
  constexpr std::size_t kShown = 40;
  const std::string shown = "\"" + detail::printable(text, kShown) + "\"";
  if (text.size() <= kShown) return shown;
  return shown + " (" + std::to_string(text.size()) + " characters)";
}

const std::string& value_of(const data::Metadata& m, std::string_view key,
                            std::string_view source) {
  const auto it = m.find(std::string(key));
  if (it == m.end()) {
    detail::fail(std::string(source) + ": no \"" + std::string(key) +
                 "\" in the metadata; was the file saved by gradflow train?");
  }
  return it->second;
}

std::int64_t positive_int(std::string_view text, std::string_view key, std::string_view source) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1) {
    detail::fail(std::string(source) + ": metadata \"" + std::string(key) + "\" = " +
                 shown_value(text) + " is not a list of positive integers below 2^63");
  }
  return v;
}

}  // namespace

data::Metadata to_metadata(const ModelSpec& spec) {
  std::string shape;
  for (std::size_t i = 0; i < spec.sample_shape.size(); ++i) {
    if (i > 0) shape += ',';
    shape += std::to_string(spec.sample_shape[i]);
  }
  return {{std::string(kModel), std::string(model_name(spec.kind))},
          {std::string(kShape), shape},
          {std::string(kClasses), std::to_string(spec.classes)}};
}

ModelSpec spec_from_metadata(const data::Metadata& metadata, std::string_view source) {
  ModelSpec spec;
  spec.kind = parse_model(value_of(metadata, kModel, source));
  const std::string& shape_text = value_of(metadata, kShape, source);
  std::string_view shape = shape_text;
  while (true) {
    if (spec.sample_shape.size() == kMaxSampleDims) {
      detail::fail(std::string(source) + ": metadata \"" + std::string(kShape) + "\" = " +
                   shown_value(shape_text) + " has more than " + std::to_string(kMaxSampleDims) +
                   " dimensions; samples have 1 (spiral) or 3 (images)");
    }
    const std::size_t comma = shape.find(',');
    spec.sample_shape.push_back(positive_int(shape.substr(0, comma), kShape, source));
    if (comma == std::string_view::npos) break;
    shape.remove_prefix(comma + 1);
  }
  try {
    sample_features(spec.sample_shape);  // a product that overflows is no shape
  } catch (const Error& e) {
    detail::fail(std::string(source) + ": metadata \"" + std::string(kShape) + "\": " + e.what());
  }
  spec.classes = positive_int(value_of(metadata, kClasses, source), kClasses, source);
  return spec;
}

void save_model(const Module& model, const ModelSpec& spec, const std::filesystem::path& path,
                const data::Metadata& extra) {
  data::Metadata metadata = extra;
  for (auto& [key, value] : to_metadata(spec)) metadata[key] = value;
  save(model, path, metadata);
}

LoadedModel load_model(const std::filesystem::path& path) {
  data::SafetensorsFile file = data::load_safetensors(path);
  const ModelSpec spec = spec_from_metadata(file.metadata, path.string());
  // Check the stored tensors against the architecture the metadata describes before building it:
  // the metadata's sizes are then those of tensors already read, so a crafted "classes" or
  // "sample_shape" cannot make the model allocate more than the file holds.
  const std::string described = std::string(model_name(spec.kind)) + " for samples of shape " +
                                data::shape_string(spec.sample_shape) + " and " +
                                std::to_string(spec.classes) + " classes";
  std::vector<data::TensorSpec> expected;
  try {
    expected = parameter_specs(spec.kind, spec.sample_shape, spec.classes);
  } catch (const Error& e) {
    detail::fail(path.string() + ": the metadata describes " + described +
                 ", which gradflow cannot build: " + e.what());
  }
  data::check(file.tensors, expected,
              path.string() + ": the metadata describes " + described +
                  ", but the stored tensors differ");
  Generator gen(0);  // the values are overwritten by the file's
  Sequential model = make_model(spec.kind, spec.sample_shape, spec.classes, gen);
  load_state_dict(model, file.tensors, path.string());
  return {std::move(model), spec, std::move(file.metadata)};
}

}  // namespace gradflow::nn
