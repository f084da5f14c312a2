// What may stand at a name about to be written, for the atomic save and the CLI's checks of its
// outputs alike.

#include <gradflow/core/error.hpp>
#include <gradflow/data/write_target.hpp>

#include <string>
#include <system_error>

namespace gradflow::data {

WriteTarget resolve_write_target(const std::filesystem::path& path, std::string_view where,
                                 WriteMode mode) {
  const std::string prefix = std::string(where) + ": ";
  std::error_code ec;
  WriteTarget target{path, std::filesystem::status(path, ec)};  // through any symbolic links
  std::error_code ignored;  // a failure here shows in `ec` too
  const bool link = std::filesystem::is_symlink(std::filesystem::symlink_status(path, ignored));
  if (link && target.status.type() == std::filesystem::file_type::not_found) {
    // Writing would create the target, perhaps in a directory nobody checked; say so instead.
    detail::fail(prefix + "a symbolic link to a file that does not exist; remove the link or "
                 "name its target");
  }
  // not_found is no error (a new file); `none` is a question the system could not answer.
  if (target.status.type() == std::filesystem::file_type::none) {
    detail::fail(prefix + (link ? "a symbolic link that cannot be followed: "
                                : "cannot be examined: ") + ec.message());
  }
  if (link) {
    // The name of the file a link leads to, for its directory and for renaming over it. A link
    // to something without a name (/dev/stdout on a pipe: /proc/self/fd/1 -> "pipe:[...]") is
    // written into through the link itself.
    std::filesystem::path resolved = std::filesystem::canonical(path, ignored);
    if (!ignored) target.file = std::move(resolved);
  }
  if (std::filesystem::is_directory(target.status)) detail::fail(prefix + "is a directory");
  if (mode == WriteMode::replaced && std::filesystem::exists(target.status) &&
      !std::filesystem::is_regular_file(target.status)) {
    detail::fail(prefix + "exists and is not a regular file (a device, pipe or socket); refusing "
                 "to replace it");
  }
  return target;
}

}  // namespace gradflow::data
