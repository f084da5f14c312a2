// render: runs Graphviz's `dot` as a child process (viz::ExternalProgram), the DOT text on its
// standard input.

#include <gradflow/viz/render.hpp>

#include <gradflow/core/error.hpp>
#include <gradflow/viz/program.hpp>

#include <optional>
#include <string>
#include <vector>

namespace gradflow {

namespace {

viz::ExternalProgram dot_program() {
  return {"dot", "GRADFLOW_DOT",
          "Graphviz is not installed (apt-get install graphviz): rendering needs its `dot` "
          "program on PATH (or named by GRADFLOW_DOT)"};
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Runs `dot` on `dot_source` (its standard input), writing the image where `output_option`
// says ("-oFILE"), or, without one, returning dot's standard output. Errors name `file`, the
// image's file as the caller knows it.
std::string run_dot(std::string_view dot_source, ImageFormat format,
                    const std::optional<std::string>& output_option,
                    const std::filesystem::path& file) {
  std::vector<std::string> args = {format == ImageFormat::svg ? "-Tsvg" : "-Tpng"};
  if (output_option) args.push_back(*output_option);
  // PNG at 144 dpi: Graphviz's default 96 makes the wire labels hard to read.
  if (format == ImageFormat::png) args.emplace_back("-Gdpi=144");
  using Output = viz::ExternalProgram::Output;
  const viz::ExternalProgram::Run run = dot_program().run(
      args, dot_source, output_option ? Output::discard : Output::capture, "render");
  if (!run.succeeded) {
    const std::string said = trim(run.messages);
    detail::fail("render: Graphviz could not write " + file.string() +
                 (said.empty() ? " (dot " + run.ended + ")" : ": " + said));
  }
  return run.output;
}

}  // namespace

bool graphviz_available() { return !dot_program().find().empty(); }

std::string graphviz_missing_message() { return dot_program().unusable(); }

void render(std::string_view dot_source, const std::filesystem::path& file, ImageFormat format) {
  run_dot(dot_source, format, "-o" + file.string(), file);
}

void render(std::string_view dot_source, const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".svg") return render(dot_source, file, ImageFormat::svg);
  if (ext == ".png") return render(dot_source, file, ImageFormat::png);
  detail::fail("render: cannot tell the image format of " + file.string() +
               " from its extension; use .svg or .png, or pass an ImageFormat");
}

std::string render_image(std::string_view dot_source, ImageFormat format,
                         const std::filesystem::path& file) {
  // The image comes back on dot's standard output, so that dot never learns the name of a
  // temporary file and none of its messages can show one in place of `file`.
  return run_dot(dot_source, format, std::nullopt, file);
}

}  // namespace gradflow
