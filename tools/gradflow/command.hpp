#pragma once
/// @file
/// The subcommands of the `gradflow` executable. Each lives in its own file and registers itself
/// with a static RegisterCommand; main() adds every registered command to the command line.
///
/// ```cpp
/// // tools/gradflow/train/train_command.cpp
/// static const gradflow::cli::RegisterCommand train{
///     "train", "Train a network", [](CLI::App& app) -> gradflow::cli::Run {
///       auto opts = std::make_shared<Options>();
///       app.add_option("--epochs", opts->epochs);
///       return [opts] { return run_train(*opts); };
///     }};
/// ```
/// (A command's file must be a source of the executable itself, not of a static library, or
/// the linker may drop its registration.)

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace gradflow::cli {

/// Exit statuses shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // the work failed (a check failed, a file unwritable)
inline constexpr int kExitBadInput = 2;  // the command line or the input was wrong
inline constexpr int kExitNonFinite = 3;  // the result holds NaN or infinity

/// What a command runs once the command line is parsed; returns the exit status.
using Run = std::function<int()>;
/// Declares a command's options on its CLI11 subcommand and returns its Run.
using Setup = std::function<Run(CLI::App& command)>;

struct Command {
  std::string name;
  std::string description;
  Setup setup;
};

/// The registered commands, in registration order.
std::vector<Command>& registry();

/// Registers a command when constructed (use it for a static object).
struct RegisterCommand {
  RegisterCommand(std::string name, std::string description, Setup setup);
};

}  // namespace gradflow::cli
