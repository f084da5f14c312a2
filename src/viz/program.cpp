#include <gradflow/viz/program.hpp>

#include <gradflow/core/error.hpp>

#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

namespace gradflow::viz {

namespace {

bool runnable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

ExternalProgram::ExternalProgram(std::string_view default_name, const char* variable,
                                 std::string not_installed)
    : default_name_(default_name), variable_(variable), not_installed_(std::move(not_installed)) {
  const char* env = std::getenv(variable);
  named_by_variable_ = env != nullptr && *env != '\0';
  name_ = named_by_variable_ ? env : default_name_;
}

std::string ExternalProgram::find() const {
  if (name_.find('/') != std::string::npos) return runnable(name_) ? name_ : "";
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  const std::string_view dirs = path;
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string_view::npos) end = dirs.size();
    const std::string dir(end > start ? dirs.substr(start, end - start) : ".");
    std::string candidate = dir + "/" + name_;
    if (runnable(candidate)) return candidate;
    start = end + 1;
  }
  return "";
}

std::string ExternalProgram::unusable(std::string_view reason) const {
  // A program the variable names that cannot be run is the variable's fault, not a missing
  // install: the fix is to unset or correct it.
  if (!named_by_variable_) return not_installed_;
  return "'" + detail::printable(name_) + "' (named by " + variable_ +
         ") was not found or could not be run" +
         (reason.empty() ? std::string() : " (" + std::string(reason) + ")") + ": unset " +
         variable_ + " to use `" + default_name_ + "` from PATH, or point it at the " +
         default_name_ + " program";
}

}  // namespace gradflow::viz
