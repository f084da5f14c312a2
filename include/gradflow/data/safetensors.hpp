#pragma once
/// @file
/// The safetensors format (https://github.com/huggingface/safetensors), so parameters saved here
/// open in the Python ecosystem and back:
///
///     8 bytes   N, the header length, unsigned little-endian
///     N bytes   JSON: {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]},
///                      ..., "__metadata__": {"key": "value"}}   (metadata optional)
///     rest      the tensors' bytes, little-endian, row-major; offsets relative to this part,
///               contiguous (no gaps, no overlaps) and covering it exactly
///
/// gradflow reads and writes F32, F64 and I64.

#include <gradflow/data/array.hpp>

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gradflow::data {

/// Named arrays, ordered by name (which fixes the order in the file, so saves are reproducible).
using NamedArrays = std::map<std::string, Array>;
/// Free-form string pairs stored under "__metadata__".
using Metadata = std::map<std::string, std::string>;

/// The contents of a safetensors file.
struct SafetensorsFile {
  NamedArrays tensors;
  Metadata metadata;
};

/// The file's bytes. Throws Error for an invalid Array (see Array::validate), an empty name, or
/// a name or metadata string that is not UTF-8 (the header is JSON).
std::vector<std::byte> encode_safetensors(const NamedArrays& tensors, const Metadata& metadata = {});

/// Parses the bytes of a safetensors file; `source` names it in error messages. Throws Error
/// naming the source and the fault: a header length beyond the file, JSON that does not parse or
/// is not an object, a key named twice in one object (a tensor, a field of one, a metadata key),
/// an empty tensor name (save_safetensors refuses one), a dtype outside F32/F64/I64, a shape
/// whose byte count is not the entry's span, offsets that overlap, leave a gap or run past the
/// end, and bytes no tensor covers.
SafetensorsFile decode_safetensors(std::span<const std::byte> bytes, std::string_view source);

/// Writes a safetensors file atomically: to a temporary file in the same directory, flushed to
/// disk, then renamed over `path`. An interrupted save leaves the old file (or none), never half
/// of one. A symbolic link is written through (its target replaced, the link kept). Throws Error
/// naming the path when the directory is not writable, the disk is full, or `path` is something
/// other than a regular file (a device such as /dev/null, a link to nothing).
void save_safetensors(const std::filesystem::path& path, const NamedArrays& tensors,
                      const Metadata& metadata = {});

/// Reads and validates a safetensors file (see decode_safetensors).
SafetensorsFile load_safetensors(const std::filesystem::path& path);

/// What a loader expects to find under one name.
struct TensorSpec {
  std::string name;
  DType dtype = DType::Float32;
  std::vector<std::int64_t> shape;
};

/// Checks that `tensors` holds exactly the expected names with the expected dtypes and shapes.
/// Throws Error that names `source` and the first tensor that differs (missing, unexpected, wrong
/// dtype, wrong shape, each with expected and found), so loading a model of another architecture
/// says where it diverges.
void check(const NamedArrays& tensors, std::span<const TensorSpec> expected,
           std::string_view source);

}  // namespace gradflow::data
