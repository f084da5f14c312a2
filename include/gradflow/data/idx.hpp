#pragma once
/// @file
/// The IDX file format of (Fashion-)MNIST, plain or gzip-compressed.
///
/// An IDX file is a big-endian header, {0, 0, dtype code, number of dimensions} followed by one
/// uint32 per dimension, then the values in row-major order. gradflow reads unsigned-byte files
/// (dtype code 0x08), the only kind the MNIST family uses.

#include <cstdint>
#include <filesystem>
#include <vector>

namespace gradflow::data {

/// The contents of an unsigned-byte IDX file.
struct IdxFile {
  std::vector<std::int64_t> shape;
  std::vector<std::uint8_t> values;
};

/// The largest payload read_idx accepts (4 GiB), so a corrupt header cannot make it inflate a
/// gzip bomb without end; the largest MNIST-family file is 47 MB.
inline constexpr std::uint64_t idx_max_payload = std::uint64_t{1} << 32;

/// Reads an IDX file; gzip is recognised by its magic bytes, not the file name, and may hold
/// several members (as `gzip -d` reads them). Throws Error, naming the file and the fault, for a
/// missing file, a bad magic number, a dtype other than unsigned byte, dimensions that do not
/// match the payload (too short, too long, or more than idx_max_payload), a truncated or corrupt
/// gzip stream, and bytes after the last gzip member that are not another member. Memory grows
/// only with bytes that are actually in the file, whatever the header claims.
IdxFile read_idx(const std::filesystem::path& path);

}  // namespace gradflow::data
