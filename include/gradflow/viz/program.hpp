#pragma once
/// @file
/// The programs gradflow draws with (Graphviz's `dot`, gnuplot), which it runs as child
/// processes: found on PATH when needed, or named by an environment variable. Shared by render()
/// and the command line's plots, so that both look a program up, run it and word its failures
/// alike.

#include <string>
#include <string_view>
#include <vector>

namespace gradflow::viz {

/// A program to run: what the environment variable `variable` names when it is set and not
/// empty, else `default_name` from PATH. Read from the environment when constructed.
class ExternalProgram {
 public:
  /// `not_installed`: the message for a default program that cannot be found, saying how to
  /// install it ("Graphviz is not installed (apt-get install graphviz): ...").
  ExternalProgram(std::string_view default_name, const char* variable,
                  std::string not_installed);

  /// What to run: a name for a PATH lookup, or a path.
  const std::string& name() const noexcept { return name_; }
  /// Whether the environment variable named it (rather than the default).
  bool named_by_variable() const noexcept { return named_by_variable_; }

  /// The executable file a PATH lookup finds, as execvp would (an empty PATH entry is the
  /// current directory); the name itself when it holds a '/'. Empty if there is none.
  std::string find() const;

  /// Why the program cannot be used, and the fix: `not_installed` for the default program; for
  /// one the variable named, "'/nope' (named by GRADFLOW_DOT) was not found or could not be run
  /// (`reason`): unset GRADFLOW_DOT to use `dot` from PATH, or point it at the dot program".
  /// `reason` is what trying to run it gave, if it was tried.
  std::string unusable(std::string_view reason = {}) const;

  /// What to do with the program's standard output.
  enum class Output { discard, capture };
  /// How a run ended.
  struct Run {
    bool succeeded = false;  // it exited with status 0
    std::string output;      // its standard output, when captured
    std::string messages;    // its standard error
    std::string ended;       // when it failed: "exited with status 1", "was killed by signal 9
                             // (Killed)", for a message when `messages` says nothing
  };
  /// Runs the program that find() finds, with `arguments` after its name and `input` on its
  /// standard input, and waits for it. Input, output and messages pass through temporary files
  /// rather than pipes, so that neither side can block on a full pipe. Throws Error with
  /// unusable() when the program cannot be found, is gone when started (ENOENT), or is one the
  /// variable names that cannot be started; else (a temporary file, starting the default program
  /// for another reason such as EACCES, the wait or reading back failing) with a message that
  /// starts with `op` ("render: ...") unless it is empty. A program that runs and fails is no
  /// Error: Run says how it ended.
  Run run(const std::vector<std::string>& arguments, std::string_view input, Output output,
          std::string_view op) const;

 private:
  std::string default_name_;
  std::string variable_;
  std::string not_installed_;
  std::string name_;
  bool named_by_variable_ = false;
};

}  // namespace gradflow::viz
