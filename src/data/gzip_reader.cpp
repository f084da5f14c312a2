// A plain or gzip file as one byte stream, with zlib's inflate rather than its gz* functions:
// gzread skips whatever follows the last gzip member if it is not a member itself, and a reader
// of untrusted files should say so instead.

#include "gzip_reader.hpp"

#include <gradflow/core/error.hpp>

#include <algorithm>
#include <climits>
#include <cstring>
#include <system_error>

namespace gradflow::data::internal {

namespace {

constexpr std::size_t kBufferSize = std::size_t{1} << 17;
// zlib counts in unsigned int; stay well inside it.
constexpr std::size_t kMaxChunk = std::size_t{1} << 30;

bool starts_gzip_member(const z_stream& zs) {
  return zs.avail_in >= 2 && zs.next_in[0] == 0x1f && zs.next_in[1] == 0x8b;
}

}  // namespace

GzipReader::GzipReader(const std::filesystem::path& path, std::string context)
    : context_(std::move(context)), buffer_(kBufferSize) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail("the file does not exist");
  if (!std::filesystem::is_regular_file(path, ec)) fail("not a regular file");
  file_.reset(std::fopen(path.c_str(), "rb"));
  if (!file_) fail("cannot open it for reading");
  refill();
  gzip_ = starts_gzip_member(zs_);
  if (gzip_) {
    // 16 + 15: a gzip wrapper only (no zlib or raw deflate), the largest window.
    if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) fail("zlib could not start decompressing");
    inflating_ = true;
  }
}

GzipReader::~GzipReader() {
  if (inflating_) inflateEnd(&zs_);
}

void GzipReader::fail(const std::string& what) const { detail::fail(context_ + what); }

void GzipReader::refill() {
  if (zs_.avail_in > 0 && zs_.next_in != buffer_.data()) {
    std::memmove(buffer_.data(), zs_.next_in, zs_.avail_in);
  }
  const std::size_t kept = zs_.avail_in;
  const std::size_t got = std::fread(buffer_.data() + kept, 1, buffer_.size() - kept, file_.get());
  if (std::ferror(file_.get())) fail("read error");
  file_read_ += got;
  zs_.next_in = buffer_.data();
  zs_.avail_in = static_cast<uInt>(kept + got);
}

std::size_t GzipReader::read(void* out, std::size_t n) {
  auto* bytes = static_cast<unsigned char*>(out);
  return gzip_ ? read_gzip(bytes, n) : read_plain(bytes, n);
}

std::size_t GzipReader::read_plain(unsigned char* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    if (zs_.avail_in == 0) refill();
    if (zs_.avail_in == 0) break;
    const std::size_t take = std::min<std::size_t>(n - done, zs_.avail_in);
    std::memcpy(out + done, zs_.next_in, take);
    zs_.next_in += take;
    zs_.avail_in -= static_cast<uInt>(take);
    done += take;
  }
  return done;
}

std::size_t GzipReader::read_gzip(unsigned char* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n && !finished_) {
    if (zs_.avail_in == 0) refill();
    if (zs_.avail_in == 0) fail("truncated gzip stream (the file ends inside a member)");
    zs_.next_out = out + done;
    zs_.avail_out = static_cast<uInt>(std::min(n - done, kMaxChunk));
    const uInt room = zs_.avail_out;
    const int code = inflate(&zs_, Z_NO_FLUSH);
    done += room - zs_.avail_out;
    if (code == Z_STREAM_END) {
      finished_ = !next_member();
    } else if (code != Z_OK && code != Z_BUF_ERROR) {  // Z_BUF_ERROR: needs more input
      fail(std::string("corrupt gzip stream (") + (zs_.msg ? zs_.msg : "unknown zlib error") + ")");
    }
  }
  return done;
}

bool GzipReader::next_member() {
  if (zs_.avail_in < 2) refill();
  if (zs_.avail_in == 0) return false;
  if (!starts_gzip_member(zs_)) {
    const std::size_t offset = file_read_ - zs_.avail_in;
    fail("the bytes after the gzip stream (from offset " + std::to_string(offset) +
         ") are not another gzip member; the file is damaged or has something appended");
  }
  if (inflateReset(&zs_) != Z_OK) fail("zlib could not start the next gzip member");
  return true;
}

}  // namespace gradflow::data::internal
