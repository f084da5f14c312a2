// libFuzzer target for the safetensors reader: any bytes either decode, or fail with a
// gradflow::Error whose message names the source; no other exception, crash, leak or undefined
// behaviour. What decodes must encode again (encode_safetensors accepts whatever the reader
// hands out), and that encoding must decode to the same names, dtypes, shapes, value bits and
// metadata, and encode to the same bytes (the encoding is canonical: it depends on the contents
// only, not on the offsets, key order or padding of the file they came from). The input is also
// taken as a tensor name and metadata to encode, which must save and load back or be an Error.
//
// The header length in the first 8 bytes rarely survives a mutation that grows or shrinks the
// JSON, so each input is decoded twice: as it is, and with the length set to end the header at
// its last '}' and the spaces after it (the property is the same for both).

#include <gradflow/core/error.hpp>
#include <gradflow/data/safetensors.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace {

using namespace gradflow::data;

[[noreturn]] void fail(const char* what, const char* detail = "") {
  std::fprintf(stderr, "safetensors_fuzz: %s%s\n", what, detail);
  __builtin_trap();
}

// The decoded file, or nothing when the reader refused the bytes as it should.
std::optional<SafetensorsFile> decode(std::span<const std::byte> bytes, const char* source) {
  try {
    return decode_safetensors(bytes, source);
  } catch (const gradflow::Error& e) {
    if (std::strstr(e.what(), source) == nullptr) fail("the error does not name the source: ", e.what());
    return std::nullopt;
  } catch (const std::exception& e) {
    fail("an exception other than gradflow::Error: ", e.what());
  }
}

bool same_bits(const Array& a, const Array& b) {
  if (a.dtype() != b.dtype() || a.shape != b.shape) return false;
  return std::visit(
      [&](const auto& x) {
        const auto& y = std::get<std::remove_cvref_t<decltype(x)>>(b.values);
        // NaN payloads must survive too, so bits, not ==.
        return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(x[0])) == 0);
      },
      a.values);
}

std::vector<std::byte> encode(const SafetensorsFile& file) {
  try {
    return encode_safetensors(file.tensors, file.metadata);
  } catch (const std::exception& e) {
    fail("what decoded does not encode: ", e.what());
  }
}

void check(std::span<const std::byte> bytes) {
  const std::optional<SafetensorsFile> file = decode(bytes, "fuzz.safetensors");
  if (!file) return;
  for (const auto& [name, array] : file->tensors) {
    try {
      array.validate();
    } catch (const gradflow::Error& e) {
      fail("a decoded array is invalid: ", e.what());
    }
  }
  const std::vector<std::byte> encoded = encode(*file);
  const std::optional<SafetensorsFile> again = decode(encoded, "re-encoded");
  if (!again) fail("the encoding of a decoded file does not decode");
  if (again->metadata != file->metadata) fail("the metadata changed in a round trip");
  if (again->tensors.size() != file->tensors.size()) fail("the tensors changed in a round trip");
  for (auto a = file->tensors.begin(), b = again->tensors.begin(); a != file->tensors.end(); ++a, ++b) {
    if (a->first != b->first) fail("a tensor's name changed in a round trip: ", a->first.c_str());
    if (!same_bits(a->second, b->second)) fail("a tensor changed in a round trip: ", a->first.c_str());
  }
  if (encode(*again) != encoded) fail("encoding is not canonical");
}

// Names and metadata come from the program, which may take them from anywhere: any string
// either saves, and loads back as itself, or is refused with a gradflow::Error.
void check_strings(std::string_view text) {
  const std::string s(text);
  NamedArrays tensors;
  tensors.emplace(s, Array({1}, std::vector<float>{1}));
  const Metadata metadata{{s, s}};
  std::vector<std::byte> encoded;
  try {
    encoded = encode_safetensors(tensors, metadata);
  } catch (const gradflow::Error& e) {
    if (*e.what() == '\0') fail("an empty error message");
    return;
  } catch (const std::exception& e) {
    fail("encoding names threw an exception other than gradflow::Error: ", e.what());
  }
  const std::optional<SafetensorsFile> file = decode(encoded, "names");
  if (!file) fail("encoded names do not decode");
  if (file->metadata != metadata || file->tensors.size() != 1 || file->tensors.begin()->first != s) {
    fail("names or metadata changed in a round trip");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  check(bytes);
  check_strings(std::string_view(reinterpret_cast<const char*>(data), size));

  if (size < 8) return 0;
  std::size_t end = size;
  while (end > 8 && data[end - 1] != '}') --end;
  if (end == 8) return 0;
  while (end < size && data[end] == ' ') ++end;  // the padding that aligns the data
  std::vector<std::byte> framed(bytes.begin(), bytes.end());
  const std::uint64_t length = end - 8;
  for (int i = 0; i < 8; ++i) framed[static_cast<std::size_t>(i)] = static_cast<std::byte>(length >> (8 * i));
  if (std::memcmp(framed.data(), data, 8) != 0) check(framed);
  return 0;
}
