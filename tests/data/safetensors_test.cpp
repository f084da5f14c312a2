#include <gradflow/data/safetensors.hpp>

#include "helpers.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <bit>
#include <cmath>
#include <csignal>
#include <cstring>
#include <limits>

namespace gradflow::data {
namespace {

using test::error_of;
using test::TempDir;

// Values chosen to catch any conversion on the way: NaN with a payload, -0, infinities,
// subnormals, and integers that a double cannot hold.
NamedArrays awkward() {
  const float nan_payload = std::bit_cast<float>(0x7fc12345u);
  NamedArrays t;
  t.emplace("layer.weight", Array({2, 3}, std::vector<float>{nan_payload, -0.0f, 1e-45f,
                                                             std::numeric_limits<float>::infinity(),
                                                             -3.5f, 1.0f / 3.0f}));
  t.emplace("layer.bias", Array({3}, std::vector<double>{std::bit_cast<double>(0x7ff8000000000abcull),
                                                         4.9e-324, -1e308}));
  t.emplace("steps", Array({2}, std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min(),
                                                          (std::int64_t{1} << 53) + 1}));
  t.emplace("scalar", Array({}, std::vector<float>{7.0f}));
  t.emplace("empty", Array({0, 5}, std::vector<double>{}));
  return t;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  return a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;  // data() may be null
}

void expect_bit_exact(const NamedArrays& expected, const NamedArrays& got) {
  ASSERT_EQ(expected.size(), got.size());
  for (const auto& [name, a] : expected) {
    const Array& b = got.at(name);
    EXPECT_EQ(a.shape, b.shape) << name;
    ASSERT_EQ(a.dtype(), b.dtype()) << name;
    std::visit([&](const auto& v) { EXPECT_TRUE(same_bits(v, std::get<std::decay_t<decltype(v)>>(b.values))) << name; },
               a.values);
  }
}

TEST(Safetensors, RoundTripIsBitExact) {
  TempDir dir;
  const NamedArrays tensors = awkward();
  const Metadata metadata{{"format", "pt"}, {"model", "mlp 784-256-128-10"}};
  save_safetensors(dir / "model.safetensors", tensors, metadata);
  const SafetensorsFile loaded = load_safetensors(dir / "model.safetensors");
  expect_bit_exact(tensors, loaded.tensors);
  EXPECT_EQ(loaded.metadata, metadata);
}

TEST(Safetensors, LayoutFollowsTheFormat) {
  const std::vector<std::byte> bytes = encode_safetensors(awkward());
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);  // little-endian host, as the test machines are
  EXPECT_EQ(n % 8, 0u);              // padded so the data is 8-byte aligned
  const std::string header(reinterpret_cast<const char*>(bytes.data()) + 8, n);
  EXPECT_EQ(header.front(), '{');
  EXPECT_EQ(header.find("__metadata__"), std::string::npos);  // none given, none written
  // Eight-byte dtypes first, by name: empty, layer.bias, steps; then F32: layer.weight, scalar.
  EXPECT_NE(header.find(R"("empty":{"data_offsets":[0,0],"dtype":"F64","shape":[0,5]})"), std::string::npos) << header;
  EXPECT_NE(header.find(R"("layer.bias":{"data_offsets":[0,24])"), std::string::npos) << header;
  EXPECT_NE(header.find(R"("steps":{"data_offsets":[24,40])"), std::string::npos) << header;
  EXPECT_NE(header.find(R"("layer.weight":{"data_offsets":[40,64])"), std::string::npos) << header;
  EXPECT_NE(header.find(R"("scalar":{"data_offsets":[64,68],"dtype":"F32","shape":[]})"), std::string::npos) << header;
  EXPECT_EQ(bytes.size(), 8 + n + 68);
}

TEST(Safetensors, ReadsAFileWrittenByPython) {
  const SafetensorsFile f = load_safetensors(test::fixture_path("python_written.safetensors"));
  EXPECT_EQ(f.metadata, (Metadata{{"format", "pt"}, {"written_by", "make_fixtures.py"}}));
  ASSERT_EQ(f.tensors.size(), 5u);
  const Array& w = f.tensors.at("weight");
  EXPECT_EQ(w.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(w.get<float>(), (std::vector<float>{0.5f, -1.25f, 3.0e-8f, std::numeric_limits<float>::infinity(),
                                                -0.0f, 1.0f / 3.0f}));
  EXPECT_TRUE(std::signbit(w.get<float>()[4]));
  EXPECT_EQ(f.tensors.at("bias").get<double>(), (std::vector<double>{0.1, -2.5, 1.0e300}));
  EXPECT_EQ(f.tensors.at("steps").get<std::int64_t>(),
            (std::vector<std::int64_t>{0, -1, std::int64_t{1} << 62, std::numeric_limits<std::int64_t>::min()}));
  EXPECT_EQ(f.tensors.at("scale").shape, std::vector<std::int64_t>{});
  EXPECT_EQ(f.tensors.at("scale").get<float>(), std::vector<float>{2.0f});
  EXPECT_EQ(f.tensors.at("empty").shape, (std::vector<std::int64_t>{0, 4}));
}

TEST(Safetensors, EncodingRefusesBadArrays) {
  NamedArrays t;
  t.emplace("w", Array({2}, std::vector<float>{1, 2}));
  t.at("w").shape = {3};  // broken by hand
  EXPECT_NE(error_of([&] { encode_safetensors(t); }).find("tensor 'w'"), std::string::npos);
  NamedArrays reserved;
  reserved.emplace("__metadata__", Array({1}, std::vector<float>{1}));
  EXPECT_THROW(encode_safetensors(reserved), Error);
  NamedArrays unnamed;
  unnamed.emplace("", Array({1}, std::vector<float>{1}));
  EXPECT_THROW(encode_safetensors(unnamed), Error);
}

TEST(Safetensors, AnEmptyArrayWithHugeDimensionsLoadsAsItSaves) {
  // The reader counted bytes, 4 * 2^31 * 2^31 before the 0, and refused as too large a shape
  // that Array::validate and so save_safetensors accept.
  NamedArrays t;
  t.emplace("z", Array({2147483648, 2147483648, 0}, std::vector<float>{}));
  const SafetensorsFile back = decode_safetensors(encode_safetensors(t), "empty");
  EXPECT_EQ(back.tensors.at("z").shape, (std::vector<std::int64_t>{2147483648, 2147483648, 0}));
  EXPECT_TRUE(back.tensors.at("z").get<float>().empty());
}

TEST(Safetensors, EncodingRefusesTextThatIsNotUtf8) {
  // nlohmann's type_error escaped here instead (found by fuzz/safetensors_fuzz.cpp).
  NamedArrays t;
  t.emplace("w\xd8", Array({1}, std::vector<float>{1}));
  // The bad bytes are named escaped (detail::printable): quoted raw, the message itself would
  // not be UTF-8.
  EXPECT_NE(error_of([&] { encode_safetensors(t); }).find(R"(tensor name 'w\xd8' is not valid UTF-8)"),
            std::string::npos);
  NamedArrays ok;
  ok.emplace("w\u00e9", Array({1}, std::vector<float>{1}));
  EXPECT_NE(error_of([&] { encode_safetensors(ok, {{"k\xff", "v"}}); }).find(R"(metadata key 'k\xff')"),
            std::string::npos);
  EXPECT_NE(error_of([&] { encode_safetensors(ok, {{"k", "\xc3"}}); }).find("metadata 'k' value"),
            std::string::npos);
  const SafetensorsFile back = decode_safetensors(encode_safetensors(ok, {{"k", "\u00e9"}}), "utf8");
  EXPECT_EQ(back.tensors.begin()->first, "w\u00e9");
  EXPECT_EQ(back.metadata.at("k"), "\u00e9");
}

TEST(Safetensors, SaveReplacesTheOldFileAndLeavesNoTemporary) {
  TempDir dir;
  const auto path = dir / "m.safetensors";
  save_safetensors(path, awkward());
  NamedArrays small;
  small.emplace("x", Array({1}, std::vector<double>{1.0}));
  save_safetensors(path, small);
  EXPECT_EQ(load_safetensors(path).tensors.size(), 1u);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
}

// A save that fails half-way (here: the file-size limit hit mid-write, as a full disk would)
// leaves the previous file exactly as it was, and no temporary file behind.
TEST(Safetensors, AFailedSaveLeavesThePreviousFileWhole) {
  TempDir dir;
  const auto path = dir / "m.safetensors";
  save_safetensors(path, awkward());
  const std::string before = test::read_bytes(path);

  NamedArrays big;
  big.emplace("w", Array({1 << 18}, std::vector<float>(1 << 18, 1.0f)));  // 1 MiB
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit small = saved;
  small.rlim_cur = 64 * 1024;
  auto* previous_handler = std::signal(SIGXFSZ, SIG_IGN);  // a failed write(), not a signal
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  const std::string message = error_of([&] { save_safetensors(path, big); });
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous_handler);

  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("unchanged"), std::string::npos) << message;
  EXPECT_EQ(test::read_bytes(path), before);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
}

TEST(Safetensors, SaveIntoAMissingDirectory) {
  TempDir dir;
  const std::string message = error_of([&] { save_safetensors(dir / "no/such/m.safetensors", awkward()); });
  EXPECT_NE(message.find("cannot create a temporary file"), std::string::npos) << message;
}

// The temporary name is the file's name plus a suffix; for a name of NAME_MAX bytes the file's
// part is cut short so that the temporary name still fits.
TEST(Safetensors, SaveUnderTheLongestFileName) {
  TempDir dir;
  const auto path = dir / (std::string(255 - 12, 'm') + ".safetensors");
  save_safetensors(path, awkward());
  expect_bit_exact(awkward(), load_safetensors(path).tensors);
}

// A symbolic link is written through: the file it points to is replaced, the link stays.
TEST(Safetensors, SaveThroughASymbolicLinkKeepsTheLink) {
  TempDir dir;
  test::write_bytes(dir / "target.safetensors", "old");
  std::filesystem::create_symlink("target.safetensors", dir / "link.safetensors");
  save_safetensors(dir / "link.safetensors", awkward());
  EXPECT_TRUE(std::filesystem::is_symlink(dir / "link.safetensors"));
  expect_bit_exact(awkward(), load_safetensors(dir / "target.safetensors").tensors);
}

// Renaming over a device or a pipe would replace it (as root, /dev/null itself).
TEST(Safetensors, SaveRefusesToReplaceWhatIsNotARegularFile) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  EXPECT_NE(error_of([&] { save_safetensors(dir / "fifo", awkward()); }).find("not a regular file"),
            std::string::npos);
  EXPECT_TRUE(std::filesystem::is_fifo(dir / "fifo"));
  std::filesystem::create_symlink(dir / "nothing", dir / "dangling");
  EXPECT_NE(error_of([&] { save_safetensors(dir / "dangling", awkward()); }).find("does not exist"),
            std::string::npos);
  EXPECT_TRUE(std::filesystem::is_symlink(dir / "dangling"));
}

// A link that cannot be followed is named for what it is, with the system's reason, not as a
// link to nothing.
TEST(Safetensors, SaveThroughASymbolicLinkLoopSaysSo) {
  TempDir dir;
  std::filesystem::create_symlink("loop", dir / "loop");
  const std::string error = error_of([&] { save_safetensors(dir / "loop", awkward()); });
  EXPECT_NE(error.find("a symbolic link that cannot be followed: "), std::string::npos) << error;
  EXPECT_EQ(error.find("does not exist"), std::string::npos) << error;
}

TEST(Safetensors, LoadMissingFile) {
  TempDir dir;
  EXPECT_NE(error_of([&] { load_safetensors(dir / "m.safetensors"); }).find("does not exist"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_safetensors(dir.path()); }).find("not a regular file"),
            std::string::npos);
}

TEST(Safetensors, CheckSaysWhichTensorDiffers) {
  const NamedArrays t = awkward();
  std::vector<TensorSpec> spec{{"empty", DType::Float64, {0, 5}},
                               {"layer.bias", DType::Float64, {3}},
                               {"layer.weight", DType::Float32, {2, 3}},
                               {"scalar", DType::Float32, {}},
                               {"steps", DType::Int64, {2}}};
  EXPECT_NO_THROW(check(t, spec, "m.safetensors"));

  auto wrong = spec;
  wrong[2].shape = {3, 2};
  std::string message = error_of([&] { check(t, wrong, "m.safetensors"); });
  EXPECT_NE(message.find("m.safetensors: tensor 'layer.weight' has shape [2,3], expected [3,2]"),
            std::string::npos) << message;

  wrong = spec;
  wrong[1].dtype = DType::Float32;
  message = error_of([&] { check(t, wrong, "m.safetensors"); });
  EXPECT_NE(message.find("'layer.bias' is F64, expected F32"), std::string::npos) << message;

  wrong = spec;
  wrong.push_back({"layer2.weight", DType::Float32, {4}});
  message = error_of([&] { check(t, wrong, "m.safetensors"); });
  EXPECT_NE(message.find("no tensor 'layer2.weight'"), std::string::npos) << message;

  wrong = spec;
  wrong.pop_back();
  message = error_of([&] { check(t, wrong, "m.safetensors"); });
  EXPECT_NE(message.find("unexpected tensor 'steps'"), std::string::npos) << message;
}

}  // namespace
}  // namespace gradflow::data
