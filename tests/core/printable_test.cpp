// detail::printable, through which every error message shows text from a file: control bytes
// and anything that is not well-formed UTF-8 escaped as \xNN, valid UTF-8 kept, the cut at
// `max_bytes` never inside a character.

#include <gradflow/core/error.hpp>

#include <gtest/gtest.h>

#include <string>

namespace gradflow::detail {
namespace {

TEST(Printable, ControlBytesAreEscaped) {
  EXPECT_EQ(printable("a\nb\x1b[2J\x7f"), R"(a\x0ab\x1b[2J\x7f)");
  EXPECT_EQ(printable(std::string("a\0b", 3)), R"(a\x00b)");
  // A backslash is doubled: a name spelling \x0a must not read as an escaped newline.
  EXPECT_EQ(printable(R"(a\x0ab)"), R"(a\\x0ab)");
  EXPECT_NE(printable(R"(a\x0ab)"), printable("a\nb"));
  // A whole message, whose quoted names were escaped already, keeps its backslashes (and is not
  // cut), but its own control bytes are escaped too.
  const std::string message = "tensor '" + printable("w\n") + "' in C:\\m\tx";
  EXPECT_EQ(printable_message(message), R"(tensor 'w\x0a' in C:\m\x09x)");
  EXPECT_TRUE(is_control_byte('\t'));
  EXPECT_TRUE(is_control_byte('\x7f'));
  EXPECT_FALSE(is_control_byte(' '));
  EXPECT_FALSE(is_control_byte('\xc2'));
}

TEST(Printable, WellFormedUtf8PassesThrough) {
  // One sequence of each length, and the edges of the ranges Unicode's Table 3-7 allows.
  for (const std::string text : {"µs", "日本", "😀", "\xc2\xa0", "\xdf\xbf", "\xe0\xa0\x80",
                                 "\xed\x9f\xbf", "\xee\x80\x80", "\xf0\x90\x80\x80",
                                 "\xf4\x8f\xbf\xbf"}) {
    EXPECT_EQ(printable(text), text);
  }
}

TEST(Printable, MalformedUtf8IsEscapedByteByByte) {
  // Bytes that start no sequence: a stray continuation byte, C0/C1 (overlong leads), F5..FF.
  EXPECT_EQ(printable("a\x80z"), R"(a\x80z)");
  EXPECT_EQ(printable("\xc0\xaf"), R"(\xc0\xaf)");
  EXPECT_EQ(printable("\xc1\xbf"), R"(\xc1\xbf)");
  EXPECT_EQ(printable("\xf5\x80\x80\x80"), R"(\xf5\x80\x80\x80)");
  EXPECT_EQ(printable("\xff\xfe"), R"(\xff\xfe)");
  // Overlong three- and four-byte forms, a UTF-16 surrogate, a code point above U+10FFFF.
  EXPECT_EQ(printable("\xe0\x80\xaf"), R"(\xe0\x80\xaf)");
  EXPECT_EQ(printable("\xf0\x8f\xbf\xbf"), R"(\xf0\x8f\xbf\xbf)");
  EXPECT_EQ(printable("\xed\xa0\x80"), R"(\xed\xa0\x80)");
  EXPECT_EQ(printable("\xf4\x90\x80\x80"), R"(\xf4\x90\x80\x80)");
  // A truncated sequence, at the end and followed by ASCII: the next character is kept.
  EXPECT_EQ(printable("\xe6\x97"), R"(\xe6\x97)");
  EXPECT_EQ(printable("\xe6\x97z日"), R"(\xe6\x97z)" "日");
  // Latin-1 text, as a file not in UTF-8 would hold "café".
  EXPECT_EQ(printable("caf\xe9"), R"(caf\xe9)");
}

TEST(Printable, C1ControlsAreEscaped) {
  // U+009B is CSI to some terminals: "\xc2\x9b" "2J" would clear the screen as ESC [ 2 J does.
  EXPECT_EQ(printable("a\xc2\x9b" "2J"), R"(a\xc2\x9b2J)");
  EXPECT_EQ(printable("\xc2\x80"), R"(\xc2\x80)");
  EXPECT_EQ(printable("\xc2\x9f"), R"(\xc2\x9f)");  // the last of them
  EXPECT_EQ(printable("\xc2\xa0"), "\xc2\xa0");  // U+00A0, just past them, is text
}

TEST(Printable, CharactersThatReorderOrBreakTheLineAreEscaped) {
  // U+202E (right-to-left override) would show "ab" "\u202e" "cba" as "ababc"; U+2066..U+2069
  // isolate; U+2028 and U+2029 break the line in editors and log viewers.
  EXPECT_EQ(printable("ab\u202e" "cba"), R"(ab\xe2\x80\xaecba)");
  EXPECT_EQ(printable("\u202a"), R"(\xe2\x80\xaa)");
  EXPECT_EQ(printable("\u2066x\u2069"), R"(\xe2\x81\xa6x\xe2\x81\xa9)");
  EXPECT_EQ(printable("a\u2028" "b\u2029"), R"(a\xe2\x80\xa8b\xe2\x80\xa9)");
  // Their neighbours are text: U+2027 (hyphenation point), U+202F (narrow no-break space),
  // U+2065 (unassigned, passed as any other character), U+206A.
  EXPECT_EQ(printable("\u2027\u202f\u2065\u206a"), "\u2027\u202f\u2065\u206a");
}

TEST(Printable, TheCutNeverSplitsACharacter) {
  EXPECT_EQ(printable("abcdef", 4), "abcd...");
  EXPECT_EQ(printable("abcd", 4), "abcd");
  EXPECT_EQ(printable("", 0), "");
  EXPECT_EQ(printable("a", 0), "...");
  // "日" takes bytes 3..5: a cut at 4 or 5 bytes falls before it, a cut at 6 after it.
  EXPECT_EQ(printable("abc日本", 4), "abc...");
  EXPECT_EQ(printable("abc日本", 5), "abc...");
  EXPECT_EQ(printable("abc日本", 6), "abc日...");
  EXPECT_EQ(printable("abc日本", 9), "abc日本");
  // A malformed byte is one byte long, so the cut may fall right after it; an escape counts
  // as the one byte of text it stands for.
  EXPECT_EQ(printable("ab\xff\xff", 3), R"(ab\xff...)");
  EXPECT_EQ(printable("\n\n\n", 2), R"(\x0a\x0a...)");
  EXPECT_EQ(printable(std::string(100, 'x')), std::string(80, 'x') + "...");
}

}  // namespace
}  // namespace gradflow::detail
