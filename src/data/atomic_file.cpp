#include "atomic_file.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/data/write_target.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cerrno>
#include <cstring>
#include <string>

namespace gradflow::data::internal {

namespace {

std::string errno_text(int e) { return std::strerror(e); }

// A name no other writer uses: the pid separates processes, the counter threads and calls.
// O_EXCL below catches the rest (a stale file left by a killed process with a recycled pid).
// The file's own name is cut short where needed, so that any name that fits the file system
// (up to NAME_MAX bytes) has a temporary name that fits too.
std::filesystem::path temporary_name(const std::filesystem::path& path, unsigned attempt) {
  static std::atomic<unsigned> counter{0};
  const std::string suffix = ".tmp-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter++) + "-" + std::to_string(attempt);
  const std::string base = path.filename().string();
  const std::size_t room = NAME_MAX - 1 - suffix.size();  // 1 for the leading '.'
  // Built by appending: GCC 12 warns falsely (-Wrestrict) about "literal" + std::string here.
  std::string name = ".";
  name += base.substr(0, room);
  name += suffix;
  return path.parent_path() / name;
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes,
                           std::string_view what) {
  const std::string where = std::string(what) + " " + path.string();
  if (path.filename().empty()) detail::fail(where + ": not a file name");
  const std::filesystem::path target = resolve_write_target(path, where, WriteMode::replaced).file;

  std::filesystem::path temp;
  int fd = -1;
  for (unsigned attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    temp = temporary_name(target, attempt);
    // 0666 minus the umask: the permissions a plain std::ofstream would give the file.
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    const std::filesystem::path dir = target.parent_path().empty() ? "." : target.parent_path();
    detail::fail(where + ": cannot create a temporary file in " + dir.string() + ": " +
                           errno_text(errno));
  }

  auto abandon = [&](const std::string& step, int error) {
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    detail::fail(where + ": " + step + ": " + errno_text(error) +
                           " (the previous file, if any, is unchanged)");
  };

  const std::byte* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      abandon("writing failed", errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  // The data must be on disk before the rename makes it visible, or a crash could leave a
  // complete-looking name over incomplete contents.
  if (::fsync(fd) != 0) abandon("flushing to disk failed", errno);
  const int closed = ::close(fd);
  fd = -1;
  if (closed != 0) abandon("closing failed", errno);
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    abandon("renaming the temporary file failed", errno);
  }

  // Persist the rename itself; best effort, since the file is already complete either way.
  const std::filesystem::path dir = target.parent_path().empty() ? "." : target.parent_path();
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

}  // namespace gradflow::data::internal
