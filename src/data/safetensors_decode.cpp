#include <gradflow/data/safetensors.hpp>

#include <gradflow/core/error.hpp>

#include "little_endian.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <set>

namespace gradflow::data {

namespace {

using nlohmann::json;

// One header entry, checked against itself; the contiguity checks need all of them.
struct Entry {
  std::string name;
  DType dtype = DType::Float32;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

class Decoder {
 public:
  Decoder(std::span<const std::byte> bytes, std::string_view source)
      : bytes_(bytes), source_(source) {}

  [[noreturn]] void fail(const std::string& what) const {
    detail::fail("safetensors file " + source_ + ": " + what);
  }

  SafetensorsFile decode() {
    if (bytes_.size() < 8) {
      fail("too short (" + std::to_string(bytes_.size()) +
           " bytes) to hold the 8-byte header length");
    }
    std::uint64_t length = 0;
    internal::from_little_endian(bytes_.data(), 1, &length);
    if (length > bytes_.size() - 8) {
      fail("the header length " + std::to_string(length) + " runs past the end of the file (" +
           std::to_string(bytes_.size()) + " bytes); truncated or not a safetensors file");
    }
    const json header = parse_header(bytes_.subspan(8, length));
    data_ = bytes_.subspan(8 + length);

    SafetensorsFile out;
    std::vector<Entry> entries;
    for (const auto& [name, value] : header.items()) {
      if (name == "__metadata__") {
        out.metadata = parse_metadata(value);
      } else {
        entries.push_back(parse_entry(name, value));
      }
    }
    check_layout(entries);
    for (const Entry& e : entries) out.tensors.emplace(e.name, read(e));
    return out;
  }

 private:
  json parse_header(std::span<const std::byte> text) const {
    const auto* first = reinterpret_cast<const char*>(text.data());
    // nlohmann keeps the last of two equal keys silently; a file that names a tensor, a field of
    // one ("dtype" twice) or a metadata key twice is ambiguous, so refuse it. The callback sees
    // every object open and close, and every key: one set of keys per open object.
    std::vector<std::set<std::string>> open_objects;
    std::string entry;  // the top-level key being read
    std::optional<std::string> duplicate;
    auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
      if (event == json::parse_event_t::object_start) {
        open_objects.emplace_back();
      } else if (event == json::parse_event_t::object_end) {
        open_objects.pop_back();
      } else if (event == json::parse_event_t::key) {
        const std::string& key = parsed.get_ref<const std::string&>();
        if (depth == 1) entry = key;
        if (!open_objects.back().insert(key).second && !duplicate) {
          duplicate = depth == 1 ? "the header names '" + detail::printable(key) + "' twice"
                                 : "the header's entry '" + detail::printable(entry) + "' names \"" +
                                       detail::printable(key) + "\" twice";
        }
      }
      return true;
    };
    json header;
    try {
      header = json::parse(first, first + text.size(), callback);
    } catch (const json::exception& e) {
      fail("the JSON header does not parse: " + detail::printable(e.what(), 200));
    }
    if (duplicate) fail(*duplicate);
    if (!header.is_object()) fail("the JSON header is not an object");
    return header;
  }

  Metadata parse_metadata(const json& value) const {
    if (!value.is_object()) fail("\"__metadata__\" is not an object of strings");
    Metadata m;
    for (const auto& [key, v] : value.items()) {
      if (!v.is_string()) fail("metadata \"" + detail::printable(key) + "\" is not a string");
      m.emplace(key, v.get<std::string>());
    }
    return m;
  }

  static std::optional<DType> dtype_from(const std::string& s) {
    if (s == "F32") return DType::Float32;
    if (s == "F64") return DType::Float64;
    if (s == "I64") return DType::Int64;
    return std::nullopt;
  }

  Entry parse_entry(const std::string& name, const json& value) const {
    // save_safetensors refuses an empty name, so a file that holds one could not be saved again.
    if (name.empty()) fail("a tensor with an empty name");
    const std::string tensor = "tensor '" + detail::printable(name) + "'";
    if (!value.is_object()) fail(tensor + ": its header entry is not an object");
    Entry e;
    e.name = name;

    const auto dtype = value.find("dtype");
    if (dtype == value.end() || !dtype->is_string()) fail(tensor + ": no \"dtype\" string");
    const auto known = dtype_from(dtype->get<std::string>());
    if (!known) {
      fail(tensor + ": dtype " + detail::printable(dtype->get<std::string>()) +
           " is not supported; gradflow reads F32, F64 and I64");
    }
    e.dtype = *known;

    const auto shape = value.find("shape");
    if (shape == value.end() || !shape->is_array()) fail(tensor + ": no \"shape\" array");
    // Count the elements with overflow checks, as Array::validate does (so that what saves
    // loads: [2^31, 2^31, 0] holds nothing), then the bytes: the shape comes from the file and
    // may be anything. A bad element is named by its place, never printed whole: it may be
    // megabytes of text or nested deeper than a recursive dump() has stack for.
    std::uint64_t count = 1;
    for (const json& d : *shape) {
      if (!d.is_number_unsigned()) {
        fail(tensor + ": shape is not a list of non-negative integers (element " +
             std::to_string(e.shape.size()) + " is " +
             (d.is_number() ? d.dump() : "a JSON " + std::string(d.type_name())) + ")");
      }
      const std::uint64_t n = d.get<std::uint64_t>();
      if (n > static_cast<std::uint64_t>(INT64_MAX) || (n != 0 && count > UINT64_MAX / n)) {
        fail(tensor + ": shape is too large (element " + std::to_string(e.shape.size()) + " is " +
             std::to_string(n) + ")");
      }
      count *= n;
      e.shape.push_back(static_cast<std::int64_t>(n));
    }
    if (count > UINT64_MAX / dtype_size(e.dtype)) {
      fail(tensor + ": shape " + shape_string(e.shape) + " is too large (" + std::to_string(count) +
           " elements)");
    }
    const std::uint64_t bytes = count * dtype_size(e.dtype);

    const auto offsets = value.find("data_offsets");
    if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2 ||
        !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
      fail(tensor + ": \"data_offsets\" is not a pair of non-negative integers");
    }
    e.begin = (*offsets)[0].get<std::uint64_t>();
    e.end = (*offsets)[1].get<std::uint64_t>();
    if (e.end < e.begin) fail(tensor + ": data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "] end before they begin");
    if (e.end > data_.size()) {
      fail(tensor + ": data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
           "] run past the " + std::to_string(data_.size()) + " bytes of data (truncated file?)");
    }
    if (e.end - e.begin != bytes) {
      fail(tensor + ": " + std::string(dtype_name(e.dtype)) + " shape " + shape_string(e.shape) +
           " needs " + std::to_string(bytes) + " bytes but data_offsets [" +
           std::to_string(e.begin) + ", " + std::to_string(e.end) + "] span " +
           std::to_string(e.end - e.begin));
    }
    return e;
  }

  // The tensors must tile the data exactly: sorted by offset, each begins where the last ended,
  // and the last ends at the end of the file. Anything else is overlap (two names for the same
  // bytes), a gap or trailing bytes (room for hidden content): both refused, as the format says.
  void check_layout(std::vector<Entry>& entries) const {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t at = 0;
    const Entry* previous = nullptr;
    for (const Entry& e : entries) {
      if (e.begin < at) {
        fail("tensors '" + detail::printable(previous->name) + "' [" + std::to_string(previous->begin) + ", " +
             std::to_string(previous->end) + ") and '" + detail::printable(e.name) + "' [" +
             std::to_string(e.begin) + ", " + std::to_string(e.end) + ") overlap");
      }
      if (e.begin > at) {
        fail("bytes [" + std::to_string(at) + ", " + std::to_string(e.begin) +
             ") of the data belong to no tensor");
      }
      at = e.end;
      previous = &e;
    }
    if (at != data_.size()) {
      fail("bytes [" + std::to_string(at) + ", " + std::to_string(data_.size()) +
           ") of the data belong to no tensor");
    }
  }

  Array read(const Entry& e) const {
    Array a = Array::zeros(e.shape, e.dtype);
    std::visit(
        [&](auto& v) { internal::from_little_endian(data_.data() + e.begin, v.size(), v.data()); },
        a.values);
    return a;
  }

  std::span<const std::byte> bytes_;
  std::span<const std::byte> data_;
  std::string source_;
};

}  // namespace

SafetensorsFile decode_safetensors(std::span<const std::byte> bytes, std::string_view source) {
  return Decoder(bytes, source).decode();
}

}  // namespace gradflow::data
