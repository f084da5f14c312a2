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
}  // namespace detail

}  // namespace gradflow
