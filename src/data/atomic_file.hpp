#pragma once
// Writing a whole file so that readers see either the old file or the complete new one.
// Private to src/data.

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

namespace gradflow::data::internal {

/// Writes `bytes` to a new temporary file next to `path` (same directory, hence same file system,
/// so the rename is atomic), fsyncs it, renames it over `path` and fsyncs the directory. A
/// symbolic link is written through, and what may stand at `path`, are decided by
/// resolve_write_target (WriteMode::replaced: a regular file or nothing). On any failure the temporary file is removed and gradflow::Error names `what`, the
/// path and the cause.
void write_file_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes,
                           std::string_view what);

}  // namespace gradflow::data::internal
