#include <gradflow/data/fashion_mnist.hpp>

#include <gradflow/core/error.hpp>
#include <gradflow/data/idx.hpp>

#include <string>

namespace gradflow::data {

namespace {

constexpr std::int64_t classes = 10;
constexpr std::int64_t side = 28;

// The Debian package ships the gzip files; an unpacked copy (no .gz) is accepted too. A missing
// file's message says where `dir` came from, since that is what the user has to change.
std::filesystem::path locate(const std::filesystem::path& dir, std::string_view named_by,
                             const std::string& stem) {
  std::error_code ec;
  for (const char* suffix : {".gz", ""}) {
    std::filesystem::path p = dir / (stem + suffix);
    if (std::filesystem::exists(p, ec)) return p;
  }
  const std::string missing = "Fashion-MNIST not found: " + (dir / (stem + ".gz")).string() +
                              " does not exist";
  const std::string package =
      "Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist)";
  const std::string default_dir(fashion_mnist_default_dir);
  if (!named_by.empty()) {
    const std::string setting(named_by);
    detail::fail(missing + "; the directory " + dir.string() + " is named by " + setting +
                 ". Point " + setting + " to the directory that holds the IDX files, or install " +
                 package + " and point it to " + default_dir);
  }
  if (dir == std::filesystem::path(default_dir)) {
    detail::fail(missing + "; " + default_dir + " is the default directory, which comes with " +
                 package);
  }
  detail::fail(missing + ". Point to the directory that holds the IDX files, or install " +
               package + " and use " + default_dir);
}

[[noreturn]] void bad(const std::filesystem::path& file, const std::string& what) {
  detail::fail("Fashion-MNIST file " + file.string() + ": " + what);
}

}  // namespace

Split parse_split(std::string_view name) {
  if (name == "train") return Split::train;
  if (name == "test") return Split::test;
  detail::fail("unknown split '" + std::string(name) + "'; expected 'train' or 'test'");
}

Dataset load_fashion_mnist(Split split, const std::filesystem::path& dir,
                           std::string_view named_by) {
  const std::string prefix = split == Split::train ? "train" : "t10k";
  const std::filesystem::path images_path = locate(dir, named_by, prefix + "-images-idx3-ubyte");
  const std::filesystem::path labels_path = locate(dir, named_by, prefix + "-labels-idx1-ubyte");

  IdxFile images = read_idx(images_path);
  IdxFile labels = read_idx(labels_path);
  if (images.shape.size() != 3 || images.shape[1] != side || images.shape[2] != side) {
    bad(images_path, "expected N x 28 x 28 images, found dimensions " + shape_string(images.shape));
  }
  if (labels.shape.size() != 1) {
    bad(labels_path, "expected one dimension of labels, found " + shape_string(labels.shape));
  }
  if (images.shape[0] != labels.shape[0]) {
    bad(labels_path, "holds " + std::to_string(labels.shape[0]) + " labels but " +
                         images_path.filename().string() + " holds " +
                         std::to_string(images.shape[0]) + " images");
  }

  Dataset out;
  out.num_classes = classes;
  out.labels.reserve(labels.values.size());
  for (std::size_t i = 0; i < labels.values.size(); ++i) {
    const std::uint8_t y = labels.values[i];
    if (y >= classes) {
      bad(labels_path, "label " + std::to_string(y) + " at index " + std::to_string(i) +
                           " is outside the 10 classes 0..9");
    }
    out.labels.push_back(y);
  }
  // float32 division, as torch_reference's `tensor(images, float32) / 255.0`, so the two agree bit
  // for bit.
  std::vector<float> pixels(images.values.size());
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    pixels[i] = static_cast<float>(images.values[i]) / 255.0f;
  }
  out.inputs = Array({images.shape[0], 1, side, side}, std::move(pixels));
  return out;
}

}  // namespace gradflow::data
