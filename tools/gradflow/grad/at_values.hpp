#pragma once
/// @file
/// The values of `--at NAME=VALUE[,NAME=VALUE...]` (the option may be repeated).

#include "expr/evaluate.hpp"

#include <string>
#include <vector>

namespace gradflow::cli {

/// Parses every --at argument into bindings, in the order given. Throws gradflow::Error with a
/// message that quotes the offending item and says what was expected: an item without '=', a
/// name that is not [A-Za-z_][A-Za-z0-9_]*, a value that is not a finite number, a name given
/// twice, an empty item.
std::vector<expr::Binding> parse_at(const std::vector<std::string>& arguments);

}  // namespace gradflow::cli
