// ExternalProgram: finding a program the way execvp would, and running it as a child process
// with its input, output and messages in temporary files.

#include <gradflow/viz/program.hpp>

#include <gradflow/core/error.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

extern char** environ;

namespace gradflow::viz {

namespace {

bool runnable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string prefixed(std::string_view op, const std::string& message) {
  return op.empty() ? message : std::string(op) + ": " + message;
}

// A temporary file that removes itself: gradflow-TAG-XXXXXX in the temporary directory.
class TempFile {
 public:
  TempFile(const char* tag, std::string_view op) {
    // The error_code form: TMPDIR naming no directory is the caller's Error, not a
    // std::filesystem_error that a program reports as an internal one.
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) {
      detail::fail(prefixed(op, "cannot create a temporary file: no temporary directory (" +
                                    ec.message() + "); point TMPDIR at a writable directory"));
    }
    std::string name = (dir / "gradflow-").string() + tag + "-XXXXXX";
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);  // not inherited by the child
    if (fd_ < 0) {
      detail::fail(prefixed(op, "cannot create a temporary file in " + dir.string() + ": " +
                                    std::strerror(errno)));
    }
    path_ = std::move(name);
  }
  ~TempFile() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }
  void write_all(std::string_view data, std::string_view op) const {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        detail::fail(prefixed(op, std::string("cannot write a temporary file: ") +
                                      std::strerror(errno)));
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  // What the child wrote, through a descriptor of its own: this one's offset is not the child's.
  std::string read_all(std::string_view op) const {
    const auto fail_read = [&] {
      detail::fail(prefixed(op, std::string("cannot read a temporary file: ") +
                                    std::strerror(errno)));
    };
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail_read();
    const struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    std::string text;
    char buffer[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      // A failed read is not the end of the file: taken as one, it would pass on a cut image.
      if (n < 0) fail_read();
      if (n == 0) break;
      text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
  }

 private:
  int fd_ = -1;
  std::string path_;
};

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

ExternalProgram::Run ExternalProgram::run(const std::vector<std::string>& arguments,
                                          std::string_view input, Output output,
                                          std::string_view op) const {
  // Spawned by the path the lookup found, so that PATH is searched once.
  const std::string executable = find();
  if (executable.empty()) detail::fail(unusable());

  const TempFile in("in", op);
  in.write_all(input, op);
  const TempFile messages("err", op);
  std::optional<TempFile> out;
  if (output == Output::capture) out.emplace("out", op);

  std::vector<std::string> args{name_};
  args.insert(args.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, in.path().c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO,
                                   out ? out->path().c_str() : "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, messages.path().c_str(), O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, executable.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  // Found, yet gone when spawned (ENOENT): unusable, as if not found. One the variable names
  // that cannot be started for any reason (also EACCES, ENOEXEC) is unusable too: the fix is the
  // variable's. The default program's other failures are named as they are.
  if (rc != 0 && (rc == ENOENT || named_by_variable_)) detail::fail(unusable(std::strerror(rc)));
  if (rc != 0) detail::fail(prefixed(op, "cannot run " + name_ + ": " + std::strerror(rc)));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno == EINTR) continue;
    // A host program that ignores SIGCHLD has its children reaped for it, and waitpid then
    // fails with ECHILD once the child has ended: its status is lost, so the run is judged by
    // its output and messages, as Python's subprocess judges it (status 0).
    if (errno == ECHILD) {
      status = 0;
      break;
    }
    detail::fail(prefixed(op, std::string("waitpid: ") + std::strerror(errno)));
  }
  Run run;
  run.succeeded = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (WIFEXITED(status) && !run.succeeded) {
    run.ended = "exited with status " + std::to_string(WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    run.ended = "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                ::strsignal(WTERMSIG(status)) + ")";
  }
  if (out) run.output = out->read_all(op);
  run.messages = messages.read_all(op);
  return run;
}

}  // namespace gradflow::viz
