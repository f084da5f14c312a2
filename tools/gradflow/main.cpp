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
// with '-', so an argument that starts with a single '-' and is not exactly a short option the
// chosen command declares (such as -h) is passed on with a leading space, which the expression
// language ignores and which makes CLI11 take it as a positional. Only the exact option counts:
// "-h^2" and "-h*x" are expressions, not -h followed by more.
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
    if (command->get_option_no_throw(a) != nullptr) continue;
    a.insert(a.begin(), ' ');
  }
  std::reverse(args.begin(), args.end());  // CLI11's vector form takes them last-first
  return args;
}

// The one line of a command-line error: CLI11's own printing adds a second ("Run with --help
// for more information."), so the hint goes on the same line instead.
int command_line_error(const CLI::App& app, const CLI::ParseError& e) {
  std::string prefix = "gradflow";
  std::string help = "gradflow --help";
  for (const CLI::App* sub : app.get_subcommands()) {
    prefix += " " + sub->get_name();
    help = "gradflow " + sub->get_name() + " --help";
  }
  std::cerr << prefix << ": " << e.what() << " (" << help << " lists the options)\n";
  return gradflow::cli::kExitBadInput;
}

// An option given an empty value ("--epochs ''") would otherwise read as not given and
// silently take its default. Returns the message for the first one, or "".
std::string empty_option_value(const CLI::App& command) {
  for (const CLI::Option* opt : command.get_options()) {
    if (opt->get_lnames().empty() || opt->get_expected_min() == 0 || opt->count() == 0) continue;
    for (const std::string& value : opt->results()) {
      if (value.empty()) {
        // Not "or leave it out": for --data and --model that is no way out.
        return opt->get_name() + ": an empty value; expected " +
               (opt->get_type_name().empty() ? std::string("a value") : opt->get_type_name());
      }
    }
  }
  return "";
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

  // CLI11 would say only "A subcommand is required" for a misspelt one.
  const auto is_command = [&](const std::string& name) {
    return std::any_of(commands.begin(), commands.end(),
                       [&](const Command& c) { return c.name == name; });
  };
  if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
    std::string names;
    for (const Command& c : commands) names += (names.empty() ? "" : ", ") + c.name;
    std::cerr << "gradflow: unknown command \"" << argv[1] << "\"; choose one of " << names
              << " (gradflow --help describes them)\n";
    return kExitBadInput;
  }

  std::vector<std::string> args = shield_negative_positionals(subs, argc, argv);
  try {
    app.parse(std::move(args));
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return command_line_error(app, e);
  }

  try {
    for (const auto& [sub, run] : runs) {
      if (!sub->parsed()) continue;
      if (const std::string fault = empty_option_value(*sub); !fault.empty()) {
        std::cerr << "gradflow " << sub->get_name() << ": " << fault << "\n";
        return kExitBadInput;
      }
      return run();
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
