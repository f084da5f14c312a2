#pragma once
// What the tests of `gradflow train` and `gradflow eval` share: running the built executable,
// a temporary directory, reading files back.

#include "cli/run_program.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace gradflow::test {

inline ProgramResult run_gradflow(const std::vector<std::string>& args,
                                  const std::vector<std::string>& env = {}) {
  return run_program(GRADFLOW_EXE, args, "", env);
}

/// The short spiral run most tests use: 300 full-batch steps take well under a second.
inline std::vector<std::string> short_spiral(std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"train", "--data",   "spiral", "--model",
                                   "mlp",   "--epochs", "300"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

inline nlohmann::json json_of(const ProgramResult& r) {
  return nlohmann::json::parse(r.out);  // throws (failing the test) unless it is pure JSON
}

inline std::size_t count_lines(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

inline bool fashion_mnist_installed() {
  return std::filesystem::exists("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz");
}

inline bool gnuplot_installed() {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string candidate = dirs.substr(start, end - start) + "/gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

/// A fresh directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gradflow-train-XXXXXX").string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    if (::mkdtemp(name.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = name.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace gradflow::test
