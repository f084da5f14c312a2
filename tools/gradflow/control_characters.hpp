#pragma once
/// @file
/// Control characters in names the command passes on: a newline in a file name would break a
/// one-line error message, and would end a gnuplot command and start another.

#include <string_view>

namespace gradflow::cli {

/// True when `text` holds a byte below 0x20 (newline, tab, ...) or DEL.
bool has_control_character(std::string_view text);

}  // namespace gradflow::cli
