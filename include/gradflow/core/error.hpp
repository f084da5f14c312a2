#pragma once
/// @file
/// The one exception type gradflow throws for misuse and bad input.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

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
/// Whether `c` is an ASCII control character: a byte below 0x20 (newline, tab, escape, ...) or
/// DEL. The one spelling of this test: printable() below escapes these bytes (and more), the
/// command line refuses them in a file name, and the expression parser's messages show them.
constexpr bool is_control_byte(char c) noexcept {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}
/// Text from a file (a tensor name, a dtype, a metadata value) as an error message may show it,
/// so that a message stays one line of valid UTF-8 and a crafted file cannot send escape
/// sequences to a terminal or disguise the message: well-formed UTF-8 ("µ", "日本") as it is;
/// as \xNN each control byte (is_control_byte), each byte of a character that changes how text
/// displays (the C1 controls U+0080..U+009F, the line and paragraph separators U+2028 and
/// U+2029, the bidirectional controls U+202A..U+202E and U+2066..U+2069), and each byte that is
/// not part of a well-formed UTF-8 sequence (an overlong form, a surrogate, a code point above
/// U+10FFFF, a truncated sequence, a stray continuation byte); a backslash as \\, so that text
/// spelling "\x0a" reads differently from an escaped newline. Cut after at most `max_bytes`
/// bytes of `text`, before a sequence that would cross the cut, with "..." after it, so that a
/// megabyte-long name does not become a megabyte-long message.
std::string printable(std::string_view text, std::size_t max_bytes = 80);
/// A whole message as a program prints it, whatever text it holds: printable()'s escapes, but no
/// cut, and backslashes as they are, since the texts quoted in it went through printable()
/// already (doubling them again would turn an escaped newline's \x0a into \\x0a).
std::string printable_message(std::string_view message);
}  // namespace detail

}  // namespace gradflow
