// run_gnuplot: the script goes in through a temporary file and gnuplot's messages come back
// through another, so that neither side can block on a full pipe.

#include "train/gnuplot.hpp"

#include "control_characters.hpp"
#include "temp_file.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/viz/program.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

extern char** environ;

namespace gradflow::cli {

namespace {

viz::ExternalProgram gnuplot_program() {
  return {"gnuplot", "GRADFLOW_GNUPLOT",
          "gnuplot is not installed (apt-get install gnuplot-nox): --plot needs its `gnuplot` "
          "program on PATH (or named by GRADFLOW_GNUPLOT)"};
}

std::string first_error_line(const std::string& messages) {
  // gnuplot echoes the offending line, then a caret line, then "line N: what went wrong".
  std::size_t start = 0;
  std::string last;
  while (start < messages.size()) {
    std::size_t end = messages.find('\n', start);
    if (end == std::string::npos) end = messages.size();
    const std::string line = messages.substr(start, end - start);
    if (line.find("line ") != std::string::npos && line.find(':') != std::string::npos) return line;
    if (line.find_first_not_of(" \t^") != std::string::npos) last = line;
    start = end + 1;
  }
  return last;
}

}  // namespace

bool gnuplot_available() { return !gnuplot_program().find().empty(); }

std::string gnuplot_missing_message() { return gnuplot_program().unusable(); }

std::string gnuplot_quote(std::string_view text) {
  // A newline (or ';' outside quotes) ends a gnuplot command, so a control character inside a
  // quoted file name or title could start a command of its own ("system ..."). No escape keeps
  // it inside a single-quoted string, so it is refused.
  if (has_control_character(text)) {
    throw gradflow::Error(
        "cannot pass a file name or title with a control character (a newline, tab, ...) to "
        "gnuplot");
  }
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

void run_gnuplot(std::string_view script) {
  const viz::ExternalProgram gnuplot = gnuplot_program();
  const std::string program = gnuplot.find();
  if (program.empty()) throw gradflow::Error(gnuplot.unusable());

  TempFile input("gnuplot");
  {
    std::ofstream out(input.path(), std::ios::binary);
    out << script;
    if (!out.flush()) throw gradflow::Error("cannot write a temporary file for gnuplot");
  }
  TempFile messages("gnuplot-err");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, input.path().c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, messages.path().c_str(), O_WRONLY | O_TRUNC, 0);
  std::vector<char*> argv{const_cast<char*>(program.c_str()), nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0 && gnuplot.named_by_variable()) {
    throw gradflow::Error(gnuplot.unusable(std::strerror(rc)));
  }
  if (rc != 0) throw gradflow::Error("cannot run " + program + ": " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  const std::string text = messages.read();
  // gnuplot exits 0 after some errors in a script read from standard input; its messages tell.
  const bool failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
                      text.find("error") != std::string::npos ||
                      text.find("cannot open") != std::string::npos;
  if (failed) {
    const std::string line = first_error_line(text);
    throw gradflow::Error("gnuplot failed" + (line.empty() ? std::string() : ": " + line));
  }
}

}  // namespace gradflow::cli
