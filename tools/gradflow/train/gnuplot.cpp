// run_gnuplot: gnuplot as a child process (viz::ExternalProgram), the script on its standard
// input.

#include "train/gnuplot.hpp"

#include "control_characters.hpp"

#include <gradflow/core/error.hpp>
#include <gradflow/viz/program.hpp>

#include <string>

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
  const viz::ExternalProgram::Run run =
      gnuplot_program().run({}, script, viz::ExternalProgram::Output::discard, "gnuplot");
  // gnuplot exits 0 after some errors in a script read from standard input; its messages tell.
  const bool failed = !run.succeeded || run.messages.find("error") != std::string::npos ||
                      run.messages.find("cannot open") != std::string::npos;
  if (failed) {
    const std::string line = first_error_line(run.messages);
    if (!line.empty()) throw gradflow::Error("gnuplot failed: " + line);
    // Silent: how it ended is all there is to say ("gnuplot was killed by signal 9 (Killed)").
    throw gradflow::Error(run.ended.empty() ? "gnuplot failed" : "gnuplot " + run.ended);
  }
}

}  // namespace gradflow::cli
