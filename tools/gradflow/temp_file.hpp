#pragma once
/// @file
/// A temporary file that removes itself, for what a child process (gnuplot) reads or writes.

#include <string>

namespace gradflow::cli {

class TempFile {
 public:
  /// Creates an empty file named gradflow-TAG-XXXXXX in the temporary directory; throws Error
  /// (naming the directory and the cause) when it cannot.
  explicit TempFile(const char* tag);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }
  /// The file's whole contents.
  std::string read() const;

 private:
  std::string path_;
};

}  // namespace gradflow::cli
