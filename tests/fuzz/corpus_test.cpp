// Replays a fuzzer's seed corpus (fuzz/corpus/TARGET) through the fuzz target's checks in the
// ordinary build, so that sanitizer builds exercise them without libFuzzer, and every input
// once found interesting stays a regression test. Built once per target (CMakeLists.txt), with
// GRADFLOW_FUZZ_TARGET naming it: the test is FuzzCorpus.TARGET.

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

TEST(FuzzCorpus, GRADFLOW_FUZZ_TARGET) {
  std::size_t seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(GRADFLOW_FUZZ_CORPUS)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes(std::istreambuf_iterator<char>(in), {});
    SCOPED_TRACE(entry.path().string());
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                     bytes.size()),
              0);
    ++seeds;
  }
  EXPECT_GT(seeds, 5u);
}

}  // namespace
