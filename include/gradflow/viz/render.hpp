#pragma once
/// @file
/// Rendering DOT text to an image with Graphviz's `dot` program, found on PATH when called (so
/// Graphviz is needed only by programs that render, and only at run time).

#include <filesystem>
#include <string>
#include <string_view>

namespace gradflow {

enum class ImageFormat { svg, png };

/// Writes `dot_source` rendered as `format` to `file`. Throws Error when Graphviz is not
/// installed ("Graphviz is not installed (apt-get install graphviz)"), when `dot` rejects the
/// source (with its message), or when the file cannot be written. The program is `dot` from
/// PATH, or the one named by the environment variable GRADFLOW_DOT; when that one cannot be run,
/// the Error says so ("'/nope' (named by GRADFLOW_DOT) was not found or could not be run").
void render(std::string_view dot_source, const std::filesystem::path& file, ImageFormat format);

/// As above, with the format taken from the file's extension (.svg or .png); throws Error for
/// any other extension.
void render(std::string_view dot_source, const std::filesystem::path& file);

/// The image of `dot_source` rendered as `format`, returned instead of written: for a caller
/// that writes it to `file` itself once other work has succeeded, so that a Graphviz failure
/// leaves `file` as it was. Nothing is written to `file`; the errors are render()'s and name
/// `file`, never the temporary file the image passes through.
std::string render_image(std::string_view dot_source, ImageFormat format,
                         const std::filesystem::path& file);

/// True when the `dot` program can be found (render would not fail for want of Graphviz).
bool graphviz_available();

/// What is wrong when graphviz_available() is false, and the fix: install Graphviz, or, when
/// GRADFLOW_DOT names the program, unset it or point it at `dot`.
std::string graphviz_missing_message();

}  // namespace gradflow
