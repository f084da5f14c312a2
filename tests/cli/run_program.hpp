#pragma once
// Runs a program with arguments and standard input, and collects its exit status and output.

#include <string>
#include <vector>

namespace gradflow::test {

struct ProgramResult {
  int status = -1;  // exit status; 128 + signal number if it was killed by a signal
  std::string out;
  std::string err;
};

/// `extra_env` ("NAME=VALUE") is added to this process's environment, each replacing a variable
/// of the same name.
ProgramResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const std::string& input = "",
                          const std::vector<std::string>& extra_env = {});

}  // namespace gradflow::test
