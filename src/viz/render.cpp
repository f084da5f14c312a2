// render: runs Graphviz's `dot` as a child process. The DOT text goes through a temporary file
// and dot's messages (and render_image's image) come back through others, so that neither side
// can block on a full pipe.

#include <gradflow/viz/render.hpp>

#include <gradflow/core/error.hpp>
#include <gradflow/viz/program.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <optional>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace gradflow {

namespace {

viz::ExternalProgram dot_program() {
  return {"dot", "GRADFLOW_DOT",
          "Graphviz is not installed (apt-get install graphviz): rendering needs its `dot` "
          "program on PATH (or named by GRADFLOW_DOT)"};
}

// A temporary file that removes itself.
class TempFile {
 public:
  explicit TempFile(const char* tag) {
    std::string pattern = (std::filesystem::temp_directory_path() / "gradflow-").string() + tag +
                          "-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    fd_ = ::mkstemp(name.data());
    if (fd_ < 0) {
      detail::fail("render: cannot create a temporary file in " +
                   std::filesystem::temp_directory_path().string() + ": " +
                   std::strerror(errno));
    }
    path_ = name.data();
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write_all(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) detail::fail(std::string("render: cannot write a temporary file: ") +
                              std::strerror(errno));
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  std::string read_all() const {
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Runs `dot` on `dot_source`. The image goes where `output_option` says ("-oFILE"), or, without
// one, to dot's standard output, which is the file `standard_output`. Errors name `file`, the
// image's file as the caller knows it.
void run_dot(std::string_view dot_source, ImageFormat format,
             const std::optional<std::string>& output_option, const std::string& standard_output,
             const std::filesystem::path& file) {
  const viz::ExternalProgram dot = dot_program();
  const std::string& program = dot.name();
  // Spawned by the path the lookup found, so PATH is searched once, as for gnuplot.
  const std::string executable = dot.find();
  if (executable.empty()) detail::fail(dot.unusable());

  TempFile input("dot");
  input.write_all(dot_source);
  TempFile messages("err");

  const std::string type = format == ImageFormat::svg ? "-Tsvg" : "-Tpng";
  std::vector<std::string> args = {program, type};
  if (output_option) args.push_back(*output_option);
  // PNG at 144 dpi: Graphviz's default 96 makes the wire labels hard to read.
  if (format == ImageFormat::png) args.emplace_back("-Gdpi=144");
  args.push_back(input.path());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, standard_output.c_str(), O_WRONLY,
                                   0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, messages.path().c_str(), O_WRONLY,
                                   0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, executable.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0 && (rc == ENOENT || dot.named_by_variable())) {
    detail::fail(dot.unusable(std::strerror(rc)));
  }
  if (rc != 0) detail::fail("render: cannot run " + program + ": " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) detail::fail(std::string("render: waitpid: ") + std::strerror(errno));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string said = trim(messages.read_all());
    detail::fail("render: Graphviz could not write " + file.string() +
                 (said.empty() ? std::string(" (dot failed)") : ": " + said));
  }
}

}  // namespace

bool graphviz_available() { return !dot_program().find().empty(); }

std::string graphviz_missing_message() { return dot_program().unusable(); }

void render(std::string_view dot_source, const std::filesystem::path& file, ImageFormat format) {
  run_dot(dot_source, format, "-o" + file.string(), "/dev/null", file);
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
  // dot writes the image to its standard output, so that it never learns the temporary's
  // name and none of its messages can show it in place of `file`.
  const TempFile image("image");
  run_dot(dot_source, format, std::nullopt, image.path(), file);
  return image.read_all();
}

}  // namespace gradflow
