#include "temp_file.hpp"

#include <gradflow/core/error.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace gradflow::cli {

TempFile::TempFile(const char* tag) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path();
  const std::string pattern = (dir / "gradflow-").string() + tag + "-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    throw gradflow::Error("cannot create a temporary file in " + dir.string() + ": " +
                          std::strerror(errno));
  }
  ::close(fd);
  path_ = name.data();
}

TempFile::~TempFile() { ::unlink(path_.c_str()); }

std::string TempFile::read() const {
  std::ifstream in(path_, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace gradflow::cli
