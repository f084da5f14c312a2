#include "command.hpp"

namespace gradflow::cli {

std::vector<Command>& registry() {
  // Function-local, so registrations from other files' static objects find it constructed.
  static std::vector<Command> commands;
  return commands;
}

RegisterCommand::RegisterCommand(std::string name, std::string description, Setup setup) {
  registry().push_back({std::move(name), std::move(description), std::move(setup)});
}

}  // namespace gradflow::cli
