// Writes the sample that check_safetensors.py reads back with plain Python (struct + json) and,
// where it is installed, PyTorch: proof that files saved here open in the Python ecosystem.
//
//     safetensors_writer OUT.safetensors

#include <gradflow/data/safetensors.hpp>

#include <cstdio>
#include <exception>
#include <limits>

using namespace gradflow::data;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.safetensors\n", argv[0]);
    return 2;
  }
  // The values are simple formulas so the Python side recomputes them: x[i] = i * 0.25 - 1.
  NamedArrays t;
  std::vector<float> w(12);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i) * 0.25f - 1.0f;
  t.emplace("fc1.weight", Array({3, 4}, std::move(w)));
  std::vector<double> b(4);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<double>(i) / 3.0;
  t.emplace("fc1.bias", Array({4}, std::move(b)));
  t.emplace("step", Array({}, std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min()}));
  t.emplace("empty", Array({0, 2}, std::vector<float>{}));
  try {
    save_safetensors(argv[1], t, {{"format", "pt"}, {"writer", "gradflow"}});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
