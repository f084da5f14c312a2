#pragma once
/// @file
/// Checks of the files a command will write (grad's --dot/--svg/--png, train's --save/--metrics/
/// --plot), made before any work starts, so that a bad name fails at once with exit status 2
/// instead of after a long run, and so that no output is written over another.

#include <gradflow/data/write_target.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace gradflow::cli {

/// One file a command will write: the option that names it ("--save") and the name as given.
struct OutputFile {
  std::string option;
  std::string path;
};

/// Throws Error (one line, naming the option and the file) unless `path` can be written: a
/// name without control characters (they would end up in scripts and terminals), a last
/// component no longer than the file system allows, in an existing directory, and what
/// data::resolve_write_target accepts for `mode` (no directory, no symbolic link to nothing,
/// with WriteMode::replaced only a regular file). The directory the file is written in (a
/// symbolic link's target's) must be writable where the file is new or replaced; an existing
/// file written in place must itself be writable. Empty names are refused earlier, by main.cpp.
void check_output_file(std::string_view option, const std::string& path,
                       data::WriteMode mode = data::WriteMode::in_place);

/// True when two names are one file, whether or not it exists yet (both are resolved as far as
/// they exist, symbolic links and ".." included).
bool same_file(const std::string& a, const std::string& b);

/// Throws Error naming both options when two of `outputs` are the same regular file, existing
/// or not (one would silently overwrite the other). Entries with an empty path are not asked
/// for and are skipped; so are devices (/dev/null, a terminal), which any number of outputs may
/// share.
void check_distinct_outputs(const std::vector<OutputFile>& outputs);

}  // namespace gradflow::cli
