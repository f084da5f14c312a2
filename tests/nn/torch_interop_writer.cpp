// Writes the reference models (random init), an input batch and gradflow's outputs into a
// folder, for check_torch_interop.py: the same files must load into torch_reference.py's
// nn.Sequential (strict load_state_dict) and give the same outputs.

#include <gradflow/core/tape.hpp>
#include <gradflow/nn/nn.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

using namespace gradflow;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: torch_interop_writer DIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  Generator gen(3);
  const Tensor x = Tensor::randn({2, 1, 28, 28}, 5);
  std::ofstream(dir / "input.f32", std::ios::binary)
      .write(reinterpret_cast<const char*>(x.data<float>()), 2 * 784 * sizeof(float));
  for (nn::ModelKind kind : {nn::ModelKind::mlp, nn::ModelKind::cnn}) {
    nn::Sequential net = nn::make_model(kind, {1, 28, 28}, 10, gen);
    const std::string name(nn::model_name(kind));
    nn::save(net, dir / (name + ".safetensors"));
    const NoGradGuard no_grad;
    const Tensor y = net(x);
    std::ofstream(dir / (name + ".out.f32"), std::ios::binary)
        .write(reinterpret_cast<const char*>(y.data<float>()), 20 * sizeof(float));
  }
  return 0;
}
