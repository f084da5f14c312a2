// libFuzzer target for the IDX reader, plain and gzip: any bytes, written to a file, either read
// or fail with a gradflow::Error whose message names the file; no other exception, crash, leak,
// undefined behaviour, hang or unbounded allocation. What reads has as many values as its shape
// declares, and they are the file's bytes after the header: as they stand in a plain file, as
// zlib's own gzread inflates them from a gzip one (which read_idx must accept only when gzread
// sees nothing but gzip members).

#include <gradflow/core/error.hpp>
#include <gradflow/data/idx.hpp>

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what, const char* detail = "") {
  std::fprintf(stderr, "idx_fuzz: %s%s\n", what, detail);
  __builtin_trap();
}

// One directory per process, reused by every input and removed at exit.
class Scratch {
 public:
  Scratch() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/gradflow-idx-fuzz-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) fail("mkdtemp failed for ", pattern.c_str());
    dir_ = pattern;
    file_ = dir_ / "input.idx";
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  // A new file each time: ext4 flushes a file that is truncated and written again to disk when
  // it is closed (auto_da_alloc), which made the fuzzer wait on the disk.
  const std::filesystem::path& write(const std::uint8_t* data, std::size_t size) const {
    std::remove(file_.c_str());
    std::FILE* f = std::fopen(file_.c_str(), "wb");
    if (f == nullptr || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0) {
      fail("cannot write ", file_.c_str());
    }
    return file_;
  }

 private:
  std::filesystem::path dir_;
  std::filesystem::path file_;
};

// The whole decompressed stream as zlib's gz* functions read it.
std::vector<std::uint8_t> gunzip(const std::filesystem::path& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) fail("gzopen failed");
  std::vector<std::uint8_t> out;
  std::uint8_t chunk[1 << 14];
  int n = 0;
  while ((n = gzread(f, chunk, sizeof chunk)) > 0) out.insert(out.end(), chunk, chunk + n);
  int code = Z_OK;
  gzerror(f, &code);
  gzclose(f);
  // Z_BUF_ERROR is gzread's "unexpected end of file": a truncated stream read_idx must refuse.
  if (n < 0 || code != Z_OK) fail("read_idx read a gzip file that gzread refuses");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Scratch scratch;
  const std::filesystem::path& path = scratch.write(data, size);

  gradflow::data::IdxFile file;
  try {
    file = gradflow::data::read_idx(path);
  } catch (const gradflow::Error& e) {
    if (std::strstr(e.what(), path.c_str()) == nullptr) fail("the error does not name the file: ", e.what());
    return 0;
  } catch (const std::exception& e) {
    fail("an exception other than gradflow::Error: ", e.what());
  }

  std::uint64_t declared = 1;
  for (std::int64_t d : file.shape) {
    if (d < 0) fail("a negative dimension");
    declared *= static_cast<std::uint64_t>(d);
  }
  if (file.values.size() != declared) fail("values.size() is not the product of the shape");

  const bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  const std::vector<std::uint8_t> bytes = gzip ? gunzip(path) : std::vector<std::uint8_t>(data, data + size);
  const std::size_t header = 4 + 4 * file.shape.size();
  if (bytes.size() != header + file.values.size()) fail("the file's size is not header + values");
  if (bytes[3] != file.shape.size()) fail("the shape's rank is not the header's");
  for (std::size_t i = 0; i < file.shape.size(); ++i) {
    const std::uint8_t* p = bytes.data() + 4 + 4 * i;
    const std::uint32_t d = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                            (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
    if (static_cast<std::int64_t>(d) != file.shape[i]) fail("a dimension is not the header's");
  }
  if (!file.values.empty() && std::memcmp(bytes.data() + header, file.values.data(), file.values.size()) != 0) {
    fail("the values are not the file's bytes");
  }
  return 0;
}
