#pragma once
/// @file
/// The one exception type gradflow throws for misuse and bad input.

#include <stdexcept>
#include <string>

namespace gradflow {

/// Thrown for every misuse gradflow can detect: a stale or foreign Var, backward on a constant,
/// a gradcheck with step 0, and (in the layers above) bad shapes or malformed input. The message
/// names the operation, says what was wrong, and suggests the fix where one is obvious.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
/// Throws Error(message); out of line so that the hot paths that call it stay small.
[[noreturn]] void fail(const std::string& message);
/// x as error messages spell a number: its shortest spelling that reads back as x ("1e+30",
/// "0.1", "2", "-1e-09", "nan"); std::to_string would print 1e30 with 31 digits and -1e-9 as
/// -0.000000.
std::string number_str(double x);
}  // namespace detail

}  // namespace gradflow
