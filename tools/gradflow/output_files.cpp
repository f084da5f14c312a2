#include "output_files.hpp"

#include <gradflow/core/error.hpp>

#include <unistd.h>

#include <climits>
#include <filesystem>

namespace gradflow::cli {

namespace {

bool has_control_character(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

}  // namespace

void check_output_file(std::string_view option, const std::string& path, Overwrite how) {
  const std::string what = std::string(option) + " " + path + ": ";
  if (path.empty()) {
    throw gradflow::Error(std::string(option) + ": an empty file name; give a name or leave the "
                          "option out");
  }
  if (has_control_character(path)) {
    // Printed as given, the name itself would break the one-line message; say where it is.
    throw gradflow::Error(std::string(option) +
                          ": the file name holds a control character (a newline, tab, ...); "
                          "choose a name without one");
  }
  const std::filesystem::path p(path);
  if (p.filename().empty() || p.filename() == "." || p.filename() == "..") {
    throw gradflow::Error(what + "not a file name");
  }
  if (p.filename().string().size() > NAME_MAX) {
    throw gradflow::Error(what + "the file name is longer than " + std::to_string(NAME_MAX) +
                          " bytes; choose a shorter one");
  }
  const std::filesystem::path dir = p.parent_path().empty() ? "." : p.parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw gradflow::Error(what + "the directory " + dir.string() + " does not exist");
  }
  const std::filesystem::file_status st = std::filesystem::status(p, ec);
  if (st.type() == std::filesystem::file_type::directory) {
    throw gradflow::Error(what + "is a directory");
  }
  const bool exists = std::filesystem::exists(st);
  if (how == Overwrite::replaced) {
    // First, since what stands there is the real fault, whether or not the directory is
    // writable (/dev is not, to most users).
    if (std::filesystem::is_symlink(std::filesystem::symlink_status(p, ec)) && !exists) {
      throw gradflow::Error(what + "a symbolic link to a file that does not exist; remove the "
                            "link or name its target");
    }
    if (exists && st.type() != std::filesystem::file_type::regular) {
      throw gradflow::Error(what + "exists and is not a regular file (a device, pipe or socket); "
                            "refusing to replace it");
    }
  }
  // A file may be writable in a read-only directory; a new file, or a replaced one, is not.
  // A replaced symbolic link is written through, so its target's directory is the one that
  // must be writable.
  const bool needs_directory = !exists || how == Overwrite::replaced;
  const std::filesystem::path written_dir =
      exists && how == Overwrite::replaced ? std::filesystem::canonical(p, ec).parent_path() : dir;
  if (needs_directory && ::access(written_dir.c_str(), W_OK | X_OK) != 0) {
    throw gradflow::Error(what + "the directory " + written_dir.string() + " is not writable");
  }
  if (exists && how == Overwrite::in_place && ::access(p.c_str(), W_OK) != 0) {
    throw gradflow::Error(what + "the file is not writable");
  }
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  const std::filesystem::path ca = std::filesystem::weakly_canonical(a, ec);
  if (ec) return false;
  const std::filesystem::path cb = std::filesystem::weakly_canonical(b, ec);
  return !ec && ca == cb;
}

void check_distinct_outputs(const std::vector<OutputFile>& outputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    for (std::size_t j = i + 1; j < outputs.size(); ++j) {
      const OutputFile& a = outputs[i];
      const OutputFile& b = outputs[j];
      if (a.path.empty() || b.path.empty() || !same_file(a.path, b.path)) continue;
      throw gradflow::Error(a.option + " " + a.path + " and " + b.option + " " + b.path +
                            " are the same file; one would overwrite the other, so give each "
                            "its own name");
    }
  }
}

}  // namespace gradflow::cli
