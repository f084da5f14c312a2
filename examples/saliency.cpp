// Saliency: which pixels of a Fashion-MNIST image the classifier's decision is most sensitive
// to. The backprop notes point out that the gradient with respect to the *inputs* is "useful for
// visualization": train a model for one epoch, then backpropagate the winning class score of a
// test image to the image itself, and draw |d score / d pixel| next to the image (Simonyan et
// al. 2014).
//
//     saliency [OUT.png] [--model mlp|cnn|softmax|svm] [--image INDEX]
//
// Needs Debian's dataset-fashion-mnist. Writes the PNG with zlib (deflate and crc32) directly.

#include <gradflow/data/data.hpp>
#include <gradflow/nn/nn.hpp>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace gradflow;

namespace {

constexpr std::array<const char*, 10> kClasses = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                  "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                  "Bag",         "Ankle boot"};

/// An RGB picture, row-major, 3 bytes per pixel.
struct Picture {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;
  void set(int x, int y, std::array<double, 3> c) {
    for (int k = 0; k < 3; ++k) {
      rgb[static_cast<std::size_t>((y * width + x) * 3 + k)] = static_cast<std::uint8_t>(
          std::lround(255.0 * std::clamp(c[static_cast<std::size_t>(k)], 0.0, 1.0)));
    }
  }
};

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

/// One PNG chunk: length, type, data, and the CRC of type and data (big-endian, as PNG wants).
void put_chunk(std::vector<std::uint8_t>& out, const char* type,
               const std::vector<std::uint8_t>& data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  std::vector<std::uint8_t> body(type, type + 4);
  body.insert(body.end(), data.begin(), data.end());
  out.insert(out.end(), body.begin(), body.end());
  put_u32(out, static_cast<std::uint32_t>(crc32(0L, body.data(), static_cast<uInt>(body.size()))));
}

/// A minimal PNG: 8-bit RGB, no interlace, every row with filter type 0 (none).
bool write_png(const std::string& path, const Picture& pic) {
  std::vector<std::uint8_t> raw;
  const auto row_bytes = static_cast<std::size_t>(pic.width) * 3;
  for (int y = 0; y < pic.height; ++y) {
    raw.push_back(0);
    const auto* row = pic.rgb.data() + static_cast<std::size_t>(y) * row_bytes;
    raw.insert(raw.end(), row, row + row_bytes);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::vector<std::uint8_t> packed(packed_size);
  if (compress2(packed.data(), &packed_size, raw.data(), static_cast<uLong>(raw.size()), 9) !=
      Z_OK) {
    return false;
  }
  packed.resize(packed_size);

  std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<std::uint8_t> header;
  put_u32(header, static_cast<std::uint32_t>(pic.width));
  put_u32(header, static_cast<std::uint32_t>(pic.height));
  header.insert(header.end(),
                {8, 2, 0, 0, 0});  // bit depth 8, RGB, deflate, filter 0, no interlace
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", packed);
  put_chunk(png, "IEND", {});
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
  return static_cast<bool>(f);
}

/// Black - red - yellow - white, for values in [0, 1].
std::array<double, 3> heat(double v) { return {3.0 * v, 3.0 * v - 1.0, 3.0 * v - 2.0}; }

constexpr const char* kUsage =
    "usage: saliency [OUT.png] [--model mlp|cnn|softmax|svm] [--image INDEX]\n";

/// A whole decimal integer, or false.
bool parse_index(const std::string& text, std::int64_t& value) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out = "saliency.png";
  std::string model_name = "mlp";
  std::int64_t index = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--model" && i + 1 < argc) {
      model_name = argv[++i];
    } else if (a == "--image" && i + 1 < argc) {
      if (!parse_index(argv[++i], index)) {
        std::cerr << "saliency: --image wants a whole number, got '" << argv[i] << "'\n"
                  << kUsage;
        return 2;
      }
    } else if (!a.empty() && a[0] != '-') {
      out = a;
    } else {
      std::cerr << kUsage;
      return 2;
    }
  }
  try {
    data::Dataset train_set = data::load_fashion_mnist(data::Split::train);
    data::Dataset test_set = data::load_fashion_mnist(data::Split::test);
    if (index < 0 || index >= static_cast<std::int64_t>(test_set.size())) {
      std::cerr << "saliency: --image must be in [0, " << test_set.size() << ")\n";
      return 2;
    }
    const data::Array raw_test = test_set.inputs;  // the unstandardised pixels, for the picture
    const data::Standardization z = data::Standardization::fashion_mnist();
    z.apply(train_set.inputs);
    z.apply(test_set.inputs);

    // One epoch of the reference recipe: Adam 1e-3, batch 64.
    Generator gen(0);
    nn::Sequential model = nn::make_model(nn::parse_model(model_name), {1, 28, 28}, 10, gen);
    nn::TrainConfig config = nn::TrainConfig::fashion_mnist();
    config.epochs = 1;
    nn::train(model, train_set, &test_set, config, {}, [](const nn::EpochMetrics& m) {
      std::printf("trained 1 epoch in %.1f s: training accuracy %.4f, test accuracy %.4f\n",
                  m.seconds, m.train_accuracy, m.test_accuracy);
    });

    // The gradient of the winning class score with respect to the image.
    model.eval();
    new_graph();
    const std::int64_t rows[] = {index};
    Tensor image = nn::rows_to_tensor(test_set.inputs, rows, DType::Float32).requires_grad_();
    const Tensor scores = model(image);
    const std::int64_t predicted = argmax(scores, 1)[0];
    sum(gather(scores, 1, std::vector<std::int64_t>{predicted})).backward();
    const std::vector<double> grad = image.grad().to_vector();
    std::vector<double> saliency(grad.size());
    std::transform(grad.begin(), grad.end(), saliency.begin(),
                   [](double g) { return std::fabs(g); });
    const double top = std::max(*std::max_element(saliency.begin(), saliency.end()), 1e-30);
    std::printf(
        "test image %lld: label %s, predicted %s; largest |d score / d pixel| %.4g\n",
        static_cast<long long>(index),
        kClasses[static_cast<std::size_t>(test_set.labels[static_cast<std::size_t>(index)])],
        kClasses[static_cast<std::size_t>(predicted)], top);

    // The image (grey) and its saliency (heat), each 28x28 scaled 8x, side by side.
    constexpr int kScale = 8, kSide = 28 * kScale, kGap = 8;
    Picture pic{2 * kSide + kGap, kSide, {}};
    pic.rgb.assign(static_cast<std::size_t>(pic.width * pic.height * 3), 255);
    const std::vector<float>& pixels = raw_test.get<float>();
    for (int y = 0; y < kSide; ++y) {
      for (int x = 0; x < kSide; ++x) {
        const auto p = static_cast<std::size_t>((y / kScale) * 28 + x / kScale);
        const double v = pixels[static_cast<std::size_t>(index) * 784 + p];
        pic.set(x, y, {v, v, v});
        pic.set(kSide + kGap + x, y, heat(saliency[p] / top));
      }
    }
    if (!write_png(out, pic)) {
      std::cerr << "saliency: cannot write " << out << "\n";
      return 1;
    }
    std::printf("wrote %s (left: the image; right: |gradient|, white = largest)\n", out.c_str());
  } catch (const Error& e) {
    std::cerr << "saliency: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
