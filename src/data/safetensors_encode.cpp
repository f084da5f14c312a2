#include <gradflow/data/safetensors.hpp>

#include <gradflow/core/error.hpp>

#include "little_endian.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

namespace gradflow::data {

namespace {

bool is_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

// The header is JSON text, which is UTF-8, and nlohmann's dump() throws its own type_error for
// anything else. Called only after dump() threw: each string is then tried alone, so that the
// message can say which one it was (a save that succeeds dumps its header once).
[[noreturn]] void fail_not_utf8(const NamedArrays& tensors, const Metadata& metadata) {
  std::string what = "a name or metadata string";
  for (const auto& entry : tensors) {
    if (!is_utf8(entry.first)) {
      what = "tensor name '" + detail::printable(entry.first) + "'";
      break;
    }
  }
  for (const auto& [key, value] : metadata) {
    if (!is_utf8(key)) {
      what = "metadata key '" + detail::printable(key) + "'";
      break;
    }
    if (!is_utf8(value)) {
      what = "metadata '" + detail::printable(key) + "' value";
      break;
    }
  }
  detail::fail("save safetensors: " + what + " is not valid UTF-8, which the JSON header needs");
}

}  // namespace

std::vector<std::byte> encode_safetensors(const NamedArrays& tensors, const Metadata& metadata) {
  // Eight-byte elements first, then by name (the order of the Python writer): every tensor then
  // starts at a multiple of its element size, which readers that map the file rely on.
  std::vector<const NamedArrays::value_type*> order;
  for (const auto& entry : tensors) {
    if (entry.first.empty()) detail::fail("save safetensors: a tensor with an empty name");
    if (entry.first == "__metadata__") {
      detail::fail("save safetensors: '__metadata__' is reserved for the metadata, not a tensor name");
    }
    try {
      entry.second.validate();
    } catch (const Error& e) {
      detail::fail("save safetensors: tensor '" + detail::printable(entry.first) + "': " + e.what());
    }
    order.push_back(&entry);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    return dtype_size(a->second.dtype()) > dtype_size(b->second.dtype());
  });

  nlohmann::json header = nlohmann::json::object();
  std::size_t offset = 0;
  for (const auto* entry : order) {
    const Array& a = entry->second;
    const std::size_t size = a.numel() * dtype_size(a.dtype());
    header[entry->first] = {{"dtype", dtype_name(a.dtype())},
                            {"shape", a.shape},
                            {"data_offsets", {offset, offset + size}}};
    offset += size;
  }
  if (!metadata.empty()) header["__metadata__"] = metadata;

  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::type_error&) {
    fail_not_utf8(tensors, metadata);
  }
  // Pad with spaces (valid JSON whitespace) so that the data starts 8-byte aligned in the file.
  text.append((8 - text.size() % 8) % 8, ' ');

  std::vector<std::byte> out(8 + text.size() + offset);
  const std::uint64_t length = text.size();
  internal::to_little_endian(&length, 1, out.data());
  std::memcpy(out.data() + 8, text.data(), text.size());
  std::byte* data = out.data() + 8 + text.size();
  for (const auto* entry : order) {
    std::visit(
        [&](const auto& v) {
          internal::to_little_endian(v.data(), v.size(), data);
          data += v.size() * sizeof(v[0]);
        },
        entry->second.values);
  }
  return out;
}

}  // namespace gradflow::data
