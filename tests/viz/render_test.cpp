// Rendering DOT through Graphviz: SVG and PNG files, and the error when Graphviz is missing.

#include <gradflow/scalar/scalar.hpp>
#include <gradflow/viz/viz.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <csignal>
#include <signal.h>
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

// A host program that ignores SIGCHLD: the child is reaped for it, waitpid fails with ECHILD, and
// the run is judged by what dot wrote (it used to be a "waitpid: No child processes" Error).
TEST(Render, WorksInAProgramThatIgnoresSigchld) {
  if (!graphviz_available()) GTEST_SKIP() << "Graphviz (dot) is not installed";
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction previous {};
  ASSERT_EQ(::sigaction(SIGCHLD, &ignore, &previous), 0);
  std::string svg;
  EXPECT_NO_THROW(svg = render_image(notes_dot(), ImageFormat::svg, temp_path("sigchld.svg")));
  ::sigaction(SIGCHLD, &previous, nullptr);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
}

TEST(Render, UnknownExtension) {
  EXPECT_THROW(render("digraph {}", temp_path("x.gif")), Error);
}

// Sets an environment variable for one scope (nullptr: unset), restoring it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    if (old != nullptr) old_ = old;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string render_error() {
  try {
    render("digraph {}", temp_path("x.svg"));
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Render, MissingGraphvizSaysHowToInstallIt) {
  const ScopedEnv no_dot("GRADFLOW_DOT", nullptr);
  const ScopedEnv empty_path("PATH", "/nonexistent/bin");
  EXPECT_FALSE(graphviz_available());
  EXPECT_EQ(graphviz_missing_message(),
            "Graphviz is not installed (apt-get install graphviz): rendering needs its `dot` "
            "program on PATH (or named by GRADFLOW_DOT)");
  EXPECT_EQ(render_error(), graphviz_missing_message());
}

TEST(Render, ProgramNamedByTheVariableThatCannotRunNamesTheVariable) {
  const ScopedEnv dot("GRADFLOW_DOT", "/nonexistent/bin/dot");
  EXPECT_FALSE(graphviz_available());
  EXPECT_EQ(graphviz_missing_message(),
            "'/nonexistent/bin/dot' (named by GRADFLOW_DOT) was not found or could not be run: "
            "unset GRADFLOW_DOT to use `dot` from PATH, or point it at the dot program");
  EXPECT_EQ(render_error(), graphviz_missing_message());
}

// A shell script standing in for dot, run through GRADFLOW_DOT: how dot ends, and what reading
// back its output meets, without a Graphviz that misbehaves.
class FakeDot {
 public:
  explicit FakeDot(const std::string& body) : path_(temp_path("fake-dot")) {
    std::ofstream(path_) << "#!/bin/sh\n" << body << "\n";
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all);
  }
  ~FakeDot() { std::filesystem::remove(path_); }
  FakeDot(const FakeDot&) = delete;
  FakeDot& operator=(const FakeDot&) = delete;
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// dot that ends without a message is named by how it ended, where "(dot failed)" said neither
// that it crashed nor how.
TEST(Render, HowDotEndedIsNamedWhenItSaysNothing) {
  const std::string failed = "render: Graphviz could not write " + temp_path("x.svg").string();
  {
    const FakeDot fake("kill -9 $$");
    const ScopedEnv dot("GRADFLOW_DOT", fake.path().c_str());
    EXPECT_EQ(render_error(), failed + " (dot was killed by signal 9 (Killed))");
  }
  {
    const FakeDot fake("exit 3");
    const ScopedEnv dot("GRADFLOW_DOT", fake.path().c_str());
    EXPECT_EQ(render_error(), failed + " (dot exited with status 3)");
  }
}

// An image that cannot be read back is an Error, not an empty image: a failed read() is not the
// end of the file. The stand-in turns its standard output's file into a directory (EISDIR).
TEST(Render, AnImageThatCannotBeReadBackIsAnError) {
  const std::filesystem::path left = temp_path("fake-dot-output");
  const FakeDot fake("p=$(readlink /proc/$$/fd/1); rm -f \"$p\" && mkdir \"$p\" && echo \"$p\" > " +
                     left.string());
  const ScopedEnv dot("GRADFLOW_DOT", fake.path().c_str());
  std::string message = "no error";
  try {
    (void)render_image("digraph {}", ImageFormat::png, "shown.png");
  } catch (const Error& e) {
    message = e.what();
  }
  EXPECT_EQ(message, "render: cannot read a temporary file: Is a directory");
  std::string directory = read(left);
  while (!directory.empty() && directory.back() == '\n') directory.pop_back();
  ASSERT_FALSE(directory.empty());
  std::filesystem::remove(directory);
  std::filesystem::remove(left);
}

// A temporary directory that is not there is render's Error, saying what to set, where
// std::filesystem's exception escaped it (the CLI called it an internal error).
TEST(Render, NoTemporaryDirectoryIsAnErrorThatNamesTheFix) {
  const std::filesystem::path svg = temp_path("x.svg");  // before TMPDIR changes
  const ScopedEnv tmpdir("TMPDIR", "/nonexistent/tmp");
  std::string message = "no error";
  try {
    render("digraph {}", svg);
  } catch (const Error& e) {
    message = e.what();
  }
  EXPECT_EQ(message,
            "render: cannot create a temporary file: no temporary directory (No such file or "
            "directory); point TMPDIR at a writable directory");
}

}  // namespace
}  // namespace gradflow
