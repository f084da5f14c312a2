#pragma once
/// @file
/// A finite double from the text of a command-line argument, for `--at` values and the
/// real-valued options of `train` alike: one set of rules and one wording for what is wrong.

#include <string>
#include <string_view>

namespace gradflow::cli {

/// The outcome of reading a real number: its value, or why the text is not a finite double.
struct RealNumber {
  double value = 0.0;
  /// Empty when `value` holds the number; else what is wrong: "not a number", "beyond the
  /// range of a double", "too close to 0 for a double: it would round to 0 (write 0 for 0)",
  /// or "not a finite number" (inf, nan).
  std::string problem;
};

/// Reads all of `text` (an optional leading '+', then what std::from_chars accepts: no
/// surrounding spaces). "inf" and "nan" are read, and are not finite.
RealNumber read_real_number(std::string_view text);

}  // namespace gradflow::cli
