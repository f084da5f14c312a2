#include <gradflow/data/idx.hpp>

#include "helpers.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>

namespace gradflow::data {
namespace {

using test::error_of;
using test::TempDir;

std::string big_endian(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// An IDX file: magic {0, 0, code, ndim}, dims, then the payload.
std::string idx(std::vector<std::uint32_t> dims, const std::string& payload, char code = 0x08) {
  std::string s{0, 0, code, static_cast<char>(dims.size())};
  for (std::uint32_t d : dims) s += big_endian(d);
  return s + payload;
}

std::string counting(std::size_t n) {
  std::string s(n, 0);
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i % 251);
  return s;
}

void write_gzip(const std::filesystem::path& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

void expect_error(const std::filesystem::path& path, const std::string& needle) {
  const std::string message = error_of([&] { read_idx(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find(needle), std::string::npos) << message;
}

TEST(Idx, ReadsPlainAndGzipFiles) {
  TempDir dir;
  const std::string payload = counting(2 * 3 * 5);
  test::write_bytes(dir / "plain", idx({2, 3, 5}, payload));
  write_gzip(dir / "packed.gz", idx({2, 3, 5}, payload));
  for (const char* name : {"plain", "packed.gz"}) {
    const IdxFile f = read_idx(dir / name);
    EXPECT_EQ(f.shape, (std::vector<std::int64_t>{2, 3, 5})) << name;
    EXPECT_EQ(std::string(f.values.begin(), f.values.end()), payload) << name;
  }
}

TEST(Idx, ReadsAPayloadLargerThanOneChunk) {
  TempDir dir;
  const std::string payload = counting(3u << 20);  // three of the reader's 1 MiB chunks
  write_gzip(dir / "big.gz", idx({3, 1024, 1024}, payload));
  const IdxFile f = read_idx(dir / "big.gz");
  ASSERT_EQ(f.values.size(), payload.size());
  EXPECT_EQ(std::string(f.values.begin(), f.values.end()), payload);
}

TEST(Idx, MissingFileOrDirectory) {
  TempDir dir;
  expect_error(dir / "nope.gz", "does not exist");
  expect_error(dir.path(), "not a regular file");
}

TEST(Idx, BadMagic) {
  TempDir dir;
  std::string bytes = idx({4}, "abcd");
  bytes[0] = 0x1;
  test::write_bytes(dir / "magic", bytes);
  expect_error(dir / "magic", "bad magic number");
  test::write_bytes(dir / "short", std::string{0, 0});
  expect_error(dir / "short", "too short");
  test::write_bytes(dir / "empty", "");
  expect_error(dir / "empty", "too short");
}

TEST(Idx, OnlyUnsignedBytes) {
  TempDir dir;
  test::write_bytes(dir / "floats", idx({1}, "abcd", 0x0D));
  expect_error(dir / "floats", "dtype code 0x0d is not supported");
}

TEST(Idx, DimensionsMustMatchThePayload) {
  TempDir dir;
  test::write_bytes(dir / "none", idx({}, ""));
  expect_error(dir / "none", "0 dimensions");
  test::write_bytes(dir / "header", idx({2, 2}, "").substr(0, 9));
  expect_error(dir / "header", "truncated header: 2 dimensions declared, 1 present");
  test::write_bytes(dir / "short", idx({2, 3}, counting(5)));
  expect_error(dir / "short", "declare 6 bytes of data but the file holds only 5");
  test::write_bytes(dir / "long", idx({2, 3}, counting(7)));
  expect_error(dir / "long", "more data than dimensions 2 x 3 declare");
  write_gzip(dir / "long.gz", idx({2, 3}, counting(7)));
  expect_error(dir / "long.gz", "more data than dimensions");
}

TEST(Idx, AHugeHeaderCostsNoHugeAllocation) {
  TempDir dir;
  // 60000 x 28 x 28 declared with three bytes of payload: the reader must fail on the bytes
  // that are there, having allocated no more than one chunk.
  test::write_bytes(dir / "claims", idx({60000, 28, 28}, "abc"));
  expect_error(dir / "claims", "declare 47040000 bytes of data but the file holds only 3");
  test::write_bytes(dir / "absurd", idx({0xffffffffu, 0xffffffffu, 0xffffffffu}, "abc"));
  expect_error(dir / "absurd", "gradflow's limit for an IDX payload");
}

TEST(Idx, TruncatedOrCorruptGzip) {
  TempDir dir;
  write_gzip(dir / "whole.gz", idx({64, 64}, counting(64 * 64)));
  const std::string whole = test::read_bytes(dir / "whole.gz");
  test::write_bytes(dir / "cut.gz", whole.substr(0, whole.size() / 2));
  expect_error(dir / "cut.gz", "truncated gzip stream");
  test::write_bytes(dir / "no-trailer.gz", whole.substr(0, whole.size() - 4));
  expect_error(dir / "no-trailer.gz", "gzip stream");
  std::string flipped = whole;
  flipped[flipped.size() - 6] = static_cast<char>(flipped[flipped.size() - 6] ^ 0x55);  // CRC
  test::write_bytes(dir / "crc.gz", flipped);
  expect_error(dir / "crc.gz", "corrupt gzip stream");
}

// gzip -d reads concatenated members as one stream; anything else after the last member is
// junk that zlib's gzread used to drop silently.
TEST(Idx, GzipMembersConcatenateButTrailingJunkIsAnError) {
  TempDir dir;
  const std::string file = idx({4, 8}, counting(32));
  write_gzip(dir / "head.gz", file.substr(0, 10));
  write_gzip(dir / "tail.gz", file.substr(10));
  const std::string head = test::read_bytes(dir / "head.gz");
  const std::string tail = test::read_bytes(dir / "tail.gz");
  test::write_bytes(dir / "two-members.gz", head + tail);
  const IdxFile two = read_idx(dir / "two-members.gz");
  EXPECT_EQ(two.shape, (std::vector<std::int64_t>{4, 8}));
  EXPECT_EQ(std::string(two.values.begin(), two.values.end()), counting(32));

  write_gzip(dir / "whole.gz", file);
  const std::string whole = test::read_bytes(dir / "whole.gz");
  test::write_bytes(dir / "junk.gz", whole + "junk after the stream");
  expect_error(dir / "junk.gz", "are not another gzip member");
  expect_error(dir / "junk.gz", "offset " + std::to_string(whole.size()));
  test::write_bytes(dir / "one-byte.gz", whole + "x");
  expect_error(dir / "one-byte.gz", "are not another gzip member");
  test::write_bytes(dir / "zeros.gz", whole + std::string(8, '\0'));
  expect_error(dir / "zeros.gz", "are not another gzip member");
  // Junk that starts like a member is a broken member.
  test::write_bytes(dir / "fake-member.gz", whole + "\x1f\x8bjunk");
  expect_error(dir / "fake-member.gz", "gzip stream");
  test::write_bytes(dir / "half-member.gz", head + tail.substr(0, tail.size() / 2));
  expect_error(dir / "half-member.gz", "truncated gzip stream");
  // A member that inflates to more data than the dimensions declare.
  test::write_bytes(dir / "extra-member.gz", whole + tail);
  expect_error(dir / "extra-member.gz", "more data than dimensions");
}

// Cut a gzip file at every length: always a gradflow::Error, never a crash or a partial result.
TEST(Idx, EveryTruncationIsAnError) {
  TempDir dir;
  write_gzip(dir / "whole.gz", idx({8, 8}, counting(64)));
  const std::string whole = test::read_bytes(dir / "whole.gz");
  for (std::size_t n = 0; n < whole.size(); ++n) {
    test::write_bytes(dir / "cut.gz", whole.substr(0, n));
    EXPECT_THROW(read_idx(dir / "cut.gz"), Error) << "cut at " << n << " of " << whole.size();
  }
}

}  // namespace
}  // namespace gradflow::data
