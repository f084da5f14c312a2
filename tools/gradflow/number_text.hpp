#pragma once
/// @file
/// Numbers as the command line prints them.

#include <string>

namespace gradflow::cli {

/// `v` as printf would print it with `format`, which holds one conversion of a double ("%g",
/// "%.4f", "%18.10g"), except that every NaN reads "nan", at the format's width. printf writes
/// "-nan" for a NaN whose sign bit is set, and which NaNs have it depends on the operation and
/// the machine (glibc's log(-1) has it, sqrt(-1) here too), so one table showed both spellings.
std::string number_text(double v, const char* format = "%g");

}  // namespace gradflow::cli
