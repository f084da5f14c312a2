#pragma once
/// @file
/// Running gnuplot (Debian: gnuplot-nox) as a child process with a script on its standard input.
/// The program is `gnuplot` from PATH, or the one named by the environment variable
/// GRADFLOW_GNUPLOT; it is looked up when called, so only --plot needs it.

#include <string>
#include <string_view>

namespace gradflow::cli {

/// True when the gnuplot program can be found.
bool gnuplot_available();

/// Why gnuplot_available() is false, and the fix: "gnuplot is not installed (apt-get install
/// gnuplot-nox) ...", or, when GRADFLOW_GNUPLOT names the program, "'/nope' (named by
/// GRADFLOW_GNUPLOT) was not found or could not be run: unset GRADFLOW_GNUPLOT ...".
std::string gnuplot_missing_message();

/// Runs gnuplot on `script`. Throws Error when gnuplot is missing, or when it fails or reports
/// an error (with its first message line).
void run_gnuplot(std::string_view script);

/// `text` as a gnuplot single-quoted string (a quote inside is doubled). Throws Error if `text`
/// holds a control character (a newline would end the command and start another).
std::string gnuplot_quote(std::string_view text);

}  // namespace gradflow::cli
