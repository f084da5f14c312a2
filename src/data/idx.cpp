#include <gradflow/data/idx.hpp>

#include "gzip_reader.hpp"

#include <gradflow/core/error.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

namespace gradflow::data {

namespace {

class Reader {
 public:
  explicit Reader(const std::filesystem::path& path)
      : path_(path), stream_(path, "IDX file " + path.string() + ": ") {}

  [[noreturn]] void fail(const std::string& what) const {
    detail::fail("IDX file " + path_.string() + ": " + what);
  }

  // Up to `n` bytes into `out`; fewer only at the end of the data. A damaged gzip stream
  // (truncated, bad CRC, bad deflate data, junk after it) is an error, not an early end.
  std::size_t read(void* out, std::size_t n) { return stream_.read(out, n); }

 private:
  std::filesystem::path path_;
  internal::GzipReader stream_;
};

std::uint32_t big_endian(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

std::string dims_string(const std::vector<std::int64_t>& dims) {
  std::string s;
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? " x " : "") + std::to_string(dims[i]);
  return s;
}

}  // namespace

IdxFile read_idx(const std::filesystem::path& path) {
  Reader in(path);

  std::array<unsigned char, 4> magic{};
  if (in.read(magic.data(), 4) < 4) in.fail("too short for an IDX header (4-byte magic number)");
  if (magic[0] != 0 || magic[1] != 0) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "%02x %02x %02x %02x", magic[0], magic[1], magic[2], magic[3]);
    in.fail(std::string("bad magic number (bytes ") + hex +
            "); an IDX file starts with two zero bytes");
  }
  if (magic[2] != 0x08) {
    char code[8];
    std::snprintf(code, sizeof code, "0x%02x", magic[2]);
    in.fail(std::string("dtype code ") + code +
            " is not supported; gradflow reads unsigned-byte IDX files (0x08)");
  }
  const unsigned ndim = magic[3];
  if (ndim == 0) in.fail("the header declares 0 dimensions");

  IdxFile result;
  std::uint64_t declared = 1;
  for (unsigned i = 0; i < ndim; ++i) {
    std::array<unsigned char, 4> dim{};
    if (in.read(dim.data(), 4) < 4) {
      in.fail("truncated header: " + std::to_string(ndim) + " dimensions declared, " +
              std::to_string(i) + " present");
    }
    const std::uint32_t d = big_endian(dim.data());
    result.shape.push_back(d);
    // The product stays below 2^32 * 2^32 only while it is checked against the limit each step.
    declared *= d;
    if (declared > idx_max_payload) {
      in.fail("dimensions " + dims_string(result.shape) + "... declare more than " +
              std::to_string(idx_max_payload) + " bytes, gradflow's limit for an IDX payload");
    }
  }

  // Grow with the bytes that arrive, never to what the header claims up front: a corrupt header
  // must not cost a huge allocation.
  constexpr std::size_t chunk = std::size_t{1} << 20;
  std::size_t have = 0;
  while (have < declared) {
    const std::size_t want =
        std::min<std::size_t>(chunk, static_cast<std::size_t>(declared) - have);
    result.values.resize(have + want);
    const std::size_t got = in.read(result.values.data() + have, want);
    have += got;
    if (got < want) break;
  }
  result.values.resize(have);
  if (have < declared) {
    in.fail("dimensions " + dims_string(result.shape) + " declare " + std::to_string(declared) +
            " bytes of data but the file holds only " + std::to_string(have) +
            " (truncated file?)");
  }
  unsigned char extra = 0;
  if (in.read(&extra, 1) != 0) {
    in.fail("the file holds more data than dimensions " + dims_string(result.shape) +
            " declare (" + std::to_string(declared) + " bytes)");
  }
  return result;
}

}  // namespace gradflow::data
