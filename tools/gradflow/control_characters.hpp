#pragma once
/// @file
/// Control characters in names the command passes on: a newline in a file name would break a
/// one-line error message, and would end a gnuplot command and start another.

#include <string_view>

namespace gradflow::cli {

/// True when `text` holds a control byte (newline, tab, ..., DEL), by the library's rule
/// (detail::is_control_byte).
bool has_control_character(std::string_view text);

/// Prints "gradflow COMMAND: MESSAGE" on standard error as one line, MESSAGE's control
/// characters escaped (detail::printable_message, which leaves backslashes as they are): a
/// message may quote a model file's text (a tensor name, a metadata value), which must neither
/// break the line nor reach a terminal as an escape sequence.
void print_error(std::string_view command, std::string_view message);

}  // namespace gradflow::cli
