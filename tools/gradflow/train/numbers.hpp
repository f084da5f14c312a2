#pragma once
/// @file
/// Numbers from the text of command-line options, with one-line errors that name the option and
/// say what it takes ("--epochs 0: must be at least 1").

#include <cstdint>
#include <string_view>

namespace gradflow::cli {

/// A whole number in [min, max]. Throws Error naming `option` otherwise.
std::int64_t parse_whole(std::string_view option, std::string_view text, std::int64_t min,
                         std::int64_t max);

/// What a real-valued option accepts.
enum class Sign { positive, non_negative };

/// A finite real number that is positive (> 0) or non-negative (>= 0). Throws Error naming
/// `option` otherwise.
double parse_real(std::string_view option, std::string_view text, Sign sign);

}  // namespace gradflow::cli
