#pragma once
// What the tests of `gradflow train` and `gradflow eval` share: running the built executable,
// the spiral run most of them use, JSON output, files written back (and cli/shared.hpp).

#include "cli/run_program.hpp"
#include "cli/shared.hpp"

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

}  // namespace gradflow::test
