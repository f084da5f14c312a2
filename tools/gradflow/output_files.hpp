#pragma once
/// @file
/// Checks of the files a command will write (grad's --dot/--svg/--png, train's --save/--metrics/
/// --plot), made before any work starts, so that a bad name fails at once with exit status 2
/// instead of after a long run, and so that no output is written over another.

#include <string>
#include <string_view>
#include <vector>

namespace gradflow::cli {

/// One file a command will write: the option that names it ("--save") and the name as given.
struct OutputFile {
  std::string option;
  std::string path;
};

/// How an output is written, which decides what may already stand at its name.
enum class Overwrite {
  in_place,  // opened and truncated (ofstream, Graphviz, gnuplot): a device such as /dev/null
             // is fine
  replaced,  // a temporary file renamed over it: only a regular file (or a link to one) may
             // be there
};

/// Throws Error (one line, naming the option and the file) unless `path` can be written: a
/// non-empty name without control characters (they would end up in scripts and terminals), a
/// last component no longer than the file system allows, in an existing writable directory,
/// not a directory itself, and with Overwrite::replaced not an existing device, pipe or socket
/// nor a symbolic link to nothing. (A symbolic link to a regular file is written through.)
void check_output_file(std::string_view option, const std::string& path,
                       Overwrite how = Overwrite::in_place);

/// True when two names are one file, whether or not it exists yet (both are resolved as far as
/// they exist, symbolic links and ".." included).
bool same_file(const std::string& a, const std::string& b);

/// Throws Error naming both options when two of `outputs` are the same file (one would
/// silently overwrite the other). Entries with an empty path are not asked for and are skipped.
void check_distinct_outputs(const std::vector<OutputFile>& outputs);

}  // namespace gradflow::cli
