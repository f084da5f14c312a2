// Rendering DOT through Graphviz: SVG and PNG files, and the error when Graphviz is missing.

#include <gradflow/scalar/scalar.hpp>
#include <gradflow/viz/viz.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

namespace gradflow {
namespace {

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("gradflow-render-test-" + std::to_string(::getpid()) + "-" + name);
}

std::string notes_dot() {
  Tape::Scope scope;
  AnnotateGuard annotate;
  Var x = 3.0;
  Var y = -4.0;
  x.set_name("x");
  y.set_name("y");
  Var f = (x + sigmoid(y)) / (sigmoid(x) + pow(x + y, 2));
  f.backward();
  return to_dot(f);
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Render, SvgAndPng) {
  if (!graphviz_available()) GTEST_SKIP() << "Graphviz (dot) is not installed";
  const std::string dot = notes_dot();
  const auto svg = temp_path("notes.svg");
  const auto png = temp_path("notes.png");
  render(dot, svg);
  render(dot, png, ImageFormat::png);
  const std::string s = read(svg);
  EXPECT_NE(s.find("<svg"), std::string::npos);
  EXPECT_NE(s.find("sigmoid"), std::string::npos);
  const std::string p = read(png);
  ASSERT_GT(p.size(), 8u);
  EXPECT_EQ(p.substr(1, 3), "PNG");
  std::filesystem::remove(svg);
  std::filesystem::remove(png);
}

TEST(Render, DotErrorsAreReported) {
  if (!graphviz_available()) GTEST_SKIP() << "Graphviz (dot) is not installed";
  try {
    render("digraph { this is not dot ", temp_path("bad.svg"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Graphviz could not write"), std::string::npos)
        << e.what();
  }
}

TEST(Render, ImageAsBytesWritesNoFile) {
  if (!graphviz_available()) GTEST_SKIP() << "Graphviz (dot) is not installed";
  const auto svg = temp_path("bytes.svg");
  const std::string s = render_image(notes_dot(), ImageFormat::svg, svg);
  EXPECT_NE(s.find("<svg"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(svg));
  const std::string p = render_image(notes_dot(), ImageFormat::png, temp_path("bytes.png"));
  ASSERT_GT(p.size(), 8u);
  EXPECT_EQ(p.substr(1, 3), "PNG");
}

// The error names the caller's file, not the temporary file the image passed through.
TEST(Render, ImageAsBytesErrorsNameTheCallersFile) {
  if (!graphviz_available()) GTEST_SKIP() << "Graphviz (dot) is not installed";
  const auto svg = temp_path("bad-bytes.svg");
  try {
    (void)render_image("digraph { this is not dot ", ImageFormat::svg, svg);
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("render: Graphviz could not write " + svg.string(), 0), 0u) << what;
    EXPECT_EQ(what.find("gradflow-image-"), std::string::npos) << what;
  }
  EXPECT_FALSE(std::filesystem::exists(svg));
}

TEST(Render, UnknownExtension) {
  EXPECT_THROW(render("digraph {}", temp_path("x.gif")), Error);
}

TEST(Render, MissingGraphvizSaysHowToInstallIt) {
  const char* old = std::getenv("GRADFLOW_DOT");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("GRADFLOW_DOT", "/nonexistent/bin/dot", 1);
  EXPECT_FALSE(graphviz_available());
  try {
    render("digraph {}", temp_path("x.svg"));
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Graphviz is not installed (apt-get install graphviz)"),
              std::string::npos)
        << e.what();
  }
  if (old != nullptr) {
    ::setenv("GRADFLOW_DOT", saved.c_str(), 1);
  } else {
    ::unsetenv("GRADFLOW_DOT");
  }
}

}  // namespace
}  // namespace gradflow
