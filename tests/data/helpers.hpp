#pragma once
// Shared by the data-layer tests: the Python-made fixtures and a temporary directory.

#include <gradflow/core/error.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace gradflow::data::test {

inline std::filesystem::path fixture_path(const std::string& name) {
  return std::filesystem::path(GRADFLOW_DATA_FIXTURES) / name;
}

// fixtures/numpy_random.txt: one line per entry, "name count v1 v2 ...", floats in hex.
class Fixture {
 public:
  Fixture() {
    std::ifstream in(fixture_path("numpy_random.txt"));
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string name;
      std::size_t count = 0;
      words >> name >> count;
      std::vector<std::string> values(count);
      for (auto& v : values) words >> v;
      entries_[name] = std::move(values);
    }
  }
  bool has(const std::string& name) const { return entries_.contains(name); }
  std::vector<double> doubles(const std::string& name) const {
    std::vector<double> out;
    for (const auto& v : entries_.at(name)) out.push_back(std::strtod(v.c_str(), nullptr));
    return out;
  }
  std::vector<std::int64_t> ints(const std::string& name) const {
    std::vector<std::int64_t> out;
    for (const auto& v : entries_.at(name)) out.push_back(std::stoll(v));
    return out;
  }

 private:
  std::map<std::string, std::vector<std::string>> entries_;
};

// A fresh directory under the system's temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "gradflow-data-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs f, expects gradflow::Error, and returns its message for further checks.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected gradflow::Error";
  return {};
}

}  // namespace gradflow::data::test
