#pragma once
/// @file
/// What stands at a name a file is about to be written to, decided once for every writer: the
/// atomic save of safetensors files and the `gradflow` command's checks of its outputs.

#include <filesystem>
#include <string_view>

namespace gradflow::data {

/// How a file is written, which decides what may already stand at its name.
enum class WriteMode {
  in_place,  // opened and truncated: a device such as /dev/null is written into, and fine
  replaced,  // a new file renamed over the old one: only a regular file may be replaced
};

/// The file that writing to a name reaches.
struct WriteTarget {
  std::filesystem::path file;           // the name itself, or the file a symbolic link leads to
  std::filesystem::file_status status;  // of `file`; file_type::not_found when nothing is there
};

/// Where writing to `path` lands: a symbolic link is written through (its target is written, the
/// link kept), as an editor or `cp` would do. Throws gradflow::Error, its message starting with
/// `where` (e.g. "--save m.st"), for a symbolic link to nothing, a link that cannot be followed
/// or a name that cannot be examined (the system's reason: a link loop, a directory without
/// search permission), a directory, and with WriteMode::replaced for anything but a regular file
/// (a device, pipe or socket: renaming over it would replace it, not write into it).
WriteTarget resolve_write_target(const std::filesystem::path& path, std::string_view where,
                                 WriteMode mode);

}  // namespace gradflow::data
