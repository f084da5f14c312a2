#include "output_files.hpp"

#include "control_characters.hpp"

#include <gradflow/core/error.hpp>

#include <unistd.h>

#include <climits>
#include <filesystem>

namespace gradflow::cli {

void check_output_file(std::string_view option, const std::string& path, data::WriteMode mode) {
  const std::string what = std::string(option) + " " + path;
  if (has_control_character(path)) {
    // Printed as given, the name itself would break the one-line message; say where it is.
    throw gradflow::Error(std::string(option) +
                          ": the file name holds a control character (a newline, tab, ...); "
                          "choose a name without one");
  }
  const std::filesystem::path p(path);
  if (p.filename().empty() || p.filename() == "." || p.filename() == "..") {
    throw gradflow::Error(what + ": not a file name");
  }
  if (p.filename().string().size() > NAME_MAX) {
    throw gradflow::Error(what + ": the file name is longer than " + std::to_string(NAME_MAX) +
                          " bytes; choose a shorter one");
  }
  const std::filesystem::path dir = p.parent_path().empty() ? "." : p.parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw gradflow::Error(what + ": the directory " + dir.string() + " does not exist");
  }
  // Before the directory's writability, since what stands there is the real fault whether or
  // not the directory is writable (/dev is not, to most users).
  const data::WriteTarget target = data::resolve_write_target(p, what, mode);
  const bool exists = std::filesystem::exists(target.status);
  // A file may be writable in a read-only directory; a new file, or a replaced one, is not. A
  // symbolic link is written through, so its target's directory is the one that counts.
  const bool needs_directory = !exists || mode == data::WriteMode::replaced;
  const std::filesystem::path written_dir =
      target.file.parent_path().empty() ? "." : target.file.parent_path();
  if (needs_directory && ::access(written_dir.c_str(), W_OK | X_OK) != 0) {
    throw gradflow::Error(what + ": the directory " + written_dir.string() + " is not writable");
  }
  if (exists && mode == data::WriteMode::in_place && ::access(p.c_str(), W_OK) != 0) {
    throw gradflow::Error(what + ": the file is not writable");
  }
}

namespace {

// A device, pipe or socket (directories are refused before this is asked). Outputs may share
// one: each writes into it and none replaces another's file (and one terminal is both
// /dev/stdout and /dev/stderr).
bool is_special_file(const std::string& path) {
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  return std::filesystem::exists(st) && !std::filesystem::is_regular_file(st);
}

}  // namespace

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
      if (a.path.empty() || b.path.empty() || is_special_file(a.path) || !same_file(a.path, b.path)) {
        continue;
      }
      throw gradflow::Error(a.option + " " + a.path + " and " + b.option + " " + b.path +
                            " are the same file; one would overwrite the other, so give each "
                            "its own name");
    }
  }
}

}  // namespace gradflow::cli
