#include <gradflow/data/safetensors.hpp>

#include <gradflow/core/error.hpp>

#include "atomic_file.hpp"

#include <fstream>
#include <set>

namespace gradflow::data {

void save_safetensors(const std::filesystem::path& path, const NamedArrays& tensors,
                      const Metadata& metadata) {
  // Encode completely before touching the disk: a bad Array then costs nothing on disk either.
  const std::vector<std::byte> bytes = encode_safetensors(tensors, metadata);
  internal::write_file_atomically(path, bytes, "save safetensors");
}

SafetensorsFile load_safetensors(const std::filesystem::path& path) {
  const std::string where = "safetensors file " + path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) detail::fail(where + ": the file does not exist");
  if (!std::filesystem::is_regular_file(path, ec)) detail::fail(where + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) detail::fail(where + ": cannot open it for reading");
  // The buffer is sized by the file, never by anything the file claims.
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) detail::fail(where + ": cannot read its size: " + ec.message());
  std::vector<std::byte> bytes(size);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) detail::fail(where + ": reading failed");
  return decode_safetensors(bytes, path.string());
}

void check(const NamedArrays& tensors, std::span<const TensorSpec> expected,
           std::string_view source) {
  const std::string where(source);
  std::set<std::string> names;
  for (const TensorSpec& spec : expected) {
    names.insert(spec.name);
    const auto found = tensors.find(spec.name);
    if (found == tensors.end()) {
      detail::fail(where + ": no tensor '" + spec.name + "' (expected " +
                   std::string(dtype_name(spec.dtype)) + " " + shape_string(spec.shape) +
                   "); a model of another architecture?");
    }
    const Array& a = found->second;
    if (a.dtype() != spec.dtype) {
      detail::fail(where + ": tensor '" + spec.name + "' is " + std::string(dtype_name(a.dtype())) +
                   ", expected " + std::string(dtype_name(spec.dtype)));
    }
    if (a.shape != spec.shape) {
      detail::fail(where + ": tensor '" + spec.name + "' has shape " + shape_string(a.shape) +
                   ", expected " + shape_string(spec.shape) + "; a model of another architecture?");
    }
  }
  for (const auto& [name, a] : tensors) {
    if (!names.contains(name)) {
      detail::fail(where + ": unexpected tensor '" + detail::printable(name) + "' " +
                   std::string(dtype_name(a.dtype())) + " " + shape_string(a.shape) +
                   "; a model of another architecture?");
    }
  }
}

}  // namespace gradflow::data
