#include <gradflow/core/error.hpp>

#include <charconv>
#include <cstdio>

namespace gradflow::detail {

void fail(const std::string& message) { throw Error(message); }

std::string number_str(double x) {
  char text[32];  // the shortest round-trip spelling of a double takes at most 24 characters
  const auto end = std::to_chars(text, text + sizeof text, x).ptr;
  return std::string(text, end);
}

namespace {

// The length of the well-formed UTF-8 sequence that starts at text[i], or 0 when none does.
// Well-formed as Unicode's Table 3-7 has it: the lead byte's range bounds the second byte, which
// is what excludes overlong forms (E0 80..9F, F0 80..8F), UTF-16 surrogates (ED A0..BF) and code
// points above U+10FFFF (F4 90..BF, F5..FF); the bytes C0 and C1 lead only overlong forms.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = at(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xbf;  // the second byte's range
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (text.size() - i < length) return 0;
  if (at(i + 1) < low || at(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (at(i + k) < 0x80 || at(i + k) > 0xbf) return 0;
  }
  return length;
}

// Characters that are well-formed text but change how a message displays, so a crafted name
// could disguise the message around it:
// - the C1 controls U+0080..U+009F (C2 80..9F): some terminals read U+009B as CSI, the start of
//   an escape sequence, just as they read ESC [;
// - the line and paragraph separators U+2028 and U+2029 (E2 80 A8, A9): a line break to editors
//   and log viewers;
// - the bidirectional embeddings and overrides U+202A..U+202E (E2 80 AA..AE) and isolates
//   U+2066..U+2069 (E2 81 A6..A9), which reorder the text after them ("Trojan Source").
bool changes_display(std::string_view character) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(character[k]); };
  if (character.size() == 2) return at(0) == 0xc2 && at(1) <= 0x9f;
  if (character.size() != 3 || at(0) != 0xe2) return false;
  if (at(1) == 0x80) return at(2) >= 0xa8 && at(2) <= 0xae;
  return at(1) == 0x81 && at(2) >= 0xa6 && at(2) <= 0xa9;
}

void append_escaped(std::string& shown, std::string_view bytes) {
  for (const char c : bytes) {
    char escaped[5];
    std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
    shown += escaped;
  }
}

// printable() and printable_message(): `double_backslashes` is what sets them apart.
std::string escape(std::string_view text, std::size_t max_bytes, bool double_backslashes) {
  std::string shown;
  shown.reserve((text.size() < max_bytes ? text.size() : max_bytes) + 3);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t length = utf8_length(text, i);
    // A byte that starts no well-formed sequence is escaped alone; the bytes after it are
    // looked at afresh, so that one bad byte does not swallow the valid text behind it.
    const std::size_t taken = length == 0 ? 1 : length;
    // The cut falls before a sequence that would cross it, never inside one: half a character
    // would be malformed UTF-8 of our own making.
    if (taken > max_bytes - i) break;
    const std::string_view bytes = text.substr(i, taken);
    if (length == 0 || is_control_byte(bytes[0]) || changes_display(bytes)) {
      append_escaped(shown, bytes);
    } else if (double_backslashes && bytes[0] == '\\') {
      shown += "\\\\";  // so that a name's own "\x0a" is not read as our escape
    } else {
      shown += bytes;
    }
    i += taken;
  }
  if (i < text.size()) shown += "...";
  return shown;
}

}  // namespace

std::string printable(std::string_view text, std::size_t max_bytes) {
  return escape(text, max_bytes, true);
}

std::string printable_message(std::string_view message) {
  return escape(message, message.size(), false);
}

}  // namespace gradflow::detail
