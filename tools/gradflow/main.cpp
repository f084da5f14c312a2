// gradflow: the command line. Subcommands register themselves (command.hpp); main builds the
// CLI11 app from the registry, parses, and runs the chosen one.

#include "command.hpp"

#include <gradflow/core/error.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <exception>
#include <iostream>
#include <map>

namespace {

// Note [Arguments that start with '-']
// CLI11 reads "-x^2" as a cluster of short options, even after "--". Expressions may start
// with '-', so an argument that starts with a single '-' and is not a short option the chosen
// command declares (such as -h) is passed on with a leading space, which the expression
// language ignores and which makes CLI11 take it as a positional.
std::vector<std::string> shield_negative_positionals(const std::vector<CLI::App*>& commands,
                                                     int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  CLI::App* command = nullptr;
  for (std::string& a : args) {
    if (command == nullptr) {
      for (CLI::App* c : commands) {
        if (c->get_name() == a) command = c;
      }
      continue;
    }
    if (a.size() < 2 || a[0] != '-' || a[1] == '-') continue;
    if (command->get_option_no_throw(std::string{'-', a[1]}) != nullptr) continue;
    a.insert(a.begin(), ' ');
  }
  std::reverse(args.begin(), args.end());  // CLI11's vector form takes them last-first
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gradflow::cli;
  CLI::App app{"gradflow: gradients by backpropagation through circuits of gates", "gradflow"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "gradflow 0.1.0");

  // Registration order across files is unspecified; sort so that --help reads the same always.
  std::vector<Command> commands = registry();
  std::sort(commands.begin(), commands.end(),
            [](const Command& a, const Command& b) { return a.name < b.name; });
  std::map<const CLI::App*, Run> runs;
  std::vector<CLI::App*> subs;
  for (const Command& c : commands) {
    CLI::App* sub = app.add_subcommand(c.name, c.description);
    runs[sub] = c.setup(*sub);
    subs.push_back(sub);
  }

  std::vector<std::string> args = shield_negative_positionals(subs, argc, argv);
  try {
    app.parse(std::move(args));
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, the version, or the error
    return code == 0 ? kExitOk : kExitBadInput;
  }

  try {
    for (const auto& [sub, run] : runs) {
      if (sub->parsed()) return run();
    }
    return kExitBadInput;
  } catch (const gradflow::Error& e) {
    std::cerr << "gradflow: " << e.what() << "\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "gradflow: internal error: " << e.what() << "\n";
    return kExitFailure;
  }
}
