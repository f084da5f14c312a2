#pragma once
// Reading a file that may be gzip-compressed as one stream of bytes. Private to src/data.

#include <zlib.h>

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace gradflow::data::internal {

/// The bytes of a file: decompressed when it starts with the gzip magic bytes (1f 8b), as they
/// are otherwise. A gzip file may hold several members, read one after another as `gzip -d`
/// does; anything after the last member that is not another member is an error (zlib's gzread
/// would drop it silently, hiding a damaged or tampered file). Errors are gradflow::Error
/// messages that start with `context` (e.g. "IDX file train.gz: ").
class GzipReader {
 public:
  GzipReader(const std::filesystem::path& path, std::string context);
  ~GzipReader();
  GzipReader(const GzipReader&) = delete;
  GzipReader& operator=(const GzipReader&) = delete;

  /// Up to `n` bytes into `out`; fewer only at the end of the data. A truncated or corrupt gzip
  /// stream, or junk after it, throws instead of ending the data early.
  std::size_t read(void* out, std::size_t n);

 private:
  [[noreturn]] void fail(const std::string& what) const;
  // Moves the unread input to the front of the buffer and reads more of the file after it.
  void refill();
  std::size_t read_plain(unsigned char* out, std::size_t n);
  std::size_t read_gzip(unsigned char* out, std::size_t n);
  // At the end of a member: true when another member follows, false at the end of the file.
  bool next_member();

  struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::string context_;
  std::vector<unsigned char> buffer_;
  z_stream zs_{};         // for plain files too: next_in/avail_in are the unread buffered bytes
  bool gzip_ = false;
  bool inflating_ = false;  // inflateInit2 succeeded, so inflateEnd is owed
  bool finished_ = false;   // the last member ended, and the file with it
  std::size_t file_read_ = 0;  // bytes read from the file so far, for error offsets
};

}  // namespace gradflow::data::internal
