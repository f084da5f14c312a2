// conv2d and max_pool2d against direct loops (the definition, no im2col), forward and
// backward, float32 and float64, over batch sizes, strides, paddings and kernel shapes, and
// sizes large enough for the kernels' parallel paths.

#include <gradflow/gradflow.hpp>

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

// OpenBLAS's own (gradflow links it): conv2d keeps BLAS on its calling threads for a while.
extern "C" int openblas_get_num_threads();

namespace {

using namespace gradflow;

struct Geo {
  std::int64_t n, c, h, w, f, kh, kw, stride, pad;
};

struct Direct {
  std::vector<double> y, dx, dw, db;
};

/// y = conv(x, w) + b and, for upstream gradient gy, dx, dw, db, by the definition.
Direct direct_conv(const Geo& g, const std::vector<double>& x, const std::vector<double>& w,
                   const std::vector<double>& b, const std::vector<double>& gy) {
  const std::int64_t oh = (g.h + 2 * g.pad - g.kh) / g.stride + 1;
  const std::int64_t ow = (g.w + 2 * g.pad - g.kw) / g.stride + 1;
  Direct d;
  d.y.assign(static_cast<std::size_t>(g.n * g.f * oh * ow), 0.0);
  d.dx.assign(x.size(), 0.0);
  d.dw.assign(w.size(), 0.0);
  d.db.assign(static_cast<std::size_t>(g.f), 0.0);
  for (std::int64_t n = 0; n < g.n; ++n)
    for (std::int64_t f = 0; f < g.f; ++f)
      for (std::int64_t oy = 0; oy < oh; ++oy)
        for (std::int64_t ox = 0; ox < ow; ++ox) {
          const auto yi = static_cast<std::size_t>(((n * g.f + f) * oh + oy) * ow + ox);
          double s = b[static_cast<std::size_t>(f)];
          d.db[static_cast<std::size_t>(f)] += gy[yi];
          for (std::int64_t c = 0; c < g.c; ++c)
            for (std::int64_t i = 0; i < g.kh; ++i)
              for (std::int64_t j = 0; j < g.kw; ++j) {
                const std::int64_t iy = oy * g.stride + i - g.pad, ix = ox * g.stride + j - g.pad;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                const auto xi = static_cast<std::size_t>(((n * g.c + c) * g.h + iy) * g.w + ix);
                const auto wi = static_cast<std::size_t>(((f * g.c + c) * g.kh + i) * g.kw + j);
                s += x[xi] * w[wi];
                d.dx[xi] += gy[yi] * w[wi];
                d.dw[wi] += gy[yi] * x[xi];
              }
          d.y[yi] = s;
        }
  return d;
}

void expect_close(const std::vector<double>& got, const std::vector<double>& want, double tol,
                  const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], tol * (1.0 + std::abs(want[i]))) << what << " at " << i;
  }
}

class ConvDirect : public ::testing::TestWithParam<Geo> {};

TEST_P(ConvDirect, ForwardAndBackwardMatchTheDefinition) {
  const Geo g = GetParam();
  const int saved_threads = get_num_threads();
  for (DType dt : {DType::Float64, DType::Float32}) {
    for (int threads : {1, 2}) {
      set_num_threads(threads);
      Generator gen(7);
      new_graph();
      Tensor x = Tensor::randn({g.n, g.c, g.h, g.w}, gen, dt).requires_grad_();
      Tensor w = Tensor::randn({g.f, g.c, g.kh, g.kw}, gen, dt).requires_grad_();
      Tensor b = Tensor::randn({g.f}, gen, dt).requires_grad_();
      Tensor y = conv2d(x, w, b, g.stride, g.pad);
      Tensor gy = Tensor::randn(y.shape(), gen, dt);
      y.backward(gy);
      const Direct d = direct_conv(g, x.to_vector(), w.to_vector(), b.to_vector(), gy.to_vector());
      const double tol = dt == DType::Float64 ? 1e-10 : 1e-4;
      expect_close(y.to_vector(), d.y, tol, "y");
      expect_close(x.grad().to_vector(), d.dx, tol, "dx");
      expect_close(w.grad().to_vector(), d.dw, tol, "dw");
      expect_close(b.grad().to_vector(), d.db, tol, "db");
      // Only the input wants a gradient: the columns are not kept, the result is the same.
      new_graph();
      Tensor x2 = x.detach().requires_grad_();
      conv2d(x2, w.detach(), b.detach(), g.stride, g.pad).backward(gy);
      expect_close(x2.grad().to_vector(), d.dx, tol, "dx (weight constant)");
    }
  }
  set_num_threads(saved_threads);
}

INSTANTIATE_TEST_SUITE_P(
    Geometries, ConvDirect,
    ::testing::Values(Geo{1, 1, 5, 5, 1, 3, 3, 1, 0}, Geo{3, 2, 6, 5, 4, 3, 3, 1, 1},
                      Geo{2, 3, 7, 9, 2, 5, 3, 2, 2}, Geo{4, 2, 8, 8, 3, 2, 2, 3, 1},
                      Geo{2, 1, 3, 3, 2, 5, 5, 1, 2},    // kernel larger than the image
                      Geo{8, 3, 16, 16, 4, 5, 5, 1, 2},  // above the parallel threshold
                      Geo{6, 16, 14, 14, 8, 5, 5, 1, 2}, Geo{5, 2, 12, 10, 3, 3, 4, 2, 0},
                      // rows of 32 and 37 outputs: whole 16-lane pieces and a tail (runs.cpp)
                      Geo{2, 3, 6, 32, 4, 3, 3, 1, 1}, Geo{2, 2, 5, 37, 3, 5, 5, 1, 2},
                      // one output per row (runs shorter than a 16-byte piece)
                      Geo{2, 3, 6, 1, 2, 1, 1, 1, 0}, Geo{2, 2, 5, 2, 3, 3, 2, 1, 0}));

// Note [Threads over images] in conv.cpp: the threads split the images, never a sum.
TEST(ConvThreads, SameBitsAtAnyThreadCount) {
  const int saved_threads = get_num_threads();
  std::vector<std::vector<double>> first;
  for (int threads : {1, 2, 3}) {
    set_num_threads(threads);
    Generator gen(11);
    new_graph();
    Tensor x = Tensor::randn({16, 4, 12, 12}, gen, DType::Float32).requires_grad_();
    Tensor w = Tensor::randn({6, 4, 3, 3}, gen, DType::Float32).requires_grad_();
    Tensor b = Tensor::randn({6}, gen, DType::Float32).requires_grad_();
    const int blas_threads = openblas_get_num_threads();
    Tensor y = conv2d(x, w, b, 1, 1);
    y.backward(Tensor::randn(y.shape(), gen, DType::Float32));
    EXPECT_EQ(openblas_get_num_threads(), blas_threads) << "OpenBLAS's thread count restored";
    const std::vector<std::vector<double>> got = {y.to_vector(), x.grad().to_vector(),
                                                  w.grad().to_vector(), b.grad().to_vector()};
    if (first.empty()) {
      first = got;
    } else {
      for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_EQ(got[i], first[i]) << i << ", " << threads << " threads";
    }
  }
  set_num_threads(saved_threads);
}

TEST(MaxPoolDirect, MatchesTheDefinitionWithTiesAndNaN) {
  const int saved_threads = get_num_threads();
  struct P {
    std::int64_t n, c, h, w, k, s, p;
  };
  // The 2x2 windows come in rows of 3, 14, 16 (one 16-lane piece), 20 and 33 outputs.
  for (const P& q : {P{2, 3, 6, 6, 2, 2, 0}, P{2, 2, 5, 7, 2, 2, 0}, P{1, 2, 5, 5, 3, 2, 1},
                     P{2, 1, 6, 4, 3, 1, 1}, P{16, 32, 28, 28, 2, 2, 0}, P{2, 2, 4, 32, 2, 2, 0},
                     P{2, 2, 6, 41, 2, 2, 0}, P{1, 3, 5, 66, 2, 2, 0}}) {
    for (DType dt : {DType::Float64, DType::Float32}) {
      for (int threads : {1, 2}) {
        set_num_threads(threads);
        Generator gen(3);
        new_graph();
        Tensor xv = Tensor::randn({q.n, q.c, q.h, q.w}, gen, DType::Float64);
        std::vector<double> v = xv.to_vector();
        for (std::size_t i = 0; i < v.size(); i += 7) v[i] = 0.5;  // ties
        v[3] = std::numeric_limits<double>::quiet_NaN();
        v[v.size() / 2] = std::numeric_limits<double>::quiet_NaN();
        if (dt == DType::Float32) {
          for (double& e : v) e = static_cast<double>(static_cast<float>(e));
        }
        Tensor x = tensor(v, {q.n, q.c, q.h, q.w}, dt).requires_grad_();
        Tensor y = max_pool2d(x, q.k, q.s, q.p);
        Tensor gy = Tensor::randn(y.shape(), gen, dt);
        y.backward(gy);
        const std::int64_t oh = (q.h + 2 * q.p - q.k) / q.s + 1,
                           ow = (q.w + 2 * q.p - q.k) / q.s + 1;
        std::vector<double> wy(static_cast<std::size_t>(q.n * q.c * oh * ow)), wdx(v.size(), 0.0);
        const std::vector<double> g = gy.to_vector();
        for (std::int64_t pl = 0; pl < q.n * q.c; ++pl)
          for (std::int64_t oy = 0; oy < oh; ++oy)
            for (std::int64_t ox = 0; ox < ow; ++ox) {
              double best = -INFINITY;
              std::int64_t at = -1;
              for (std::int64_t i = 0; i < q.k; ++i)
                for (std::int64_t j = 0; j < q.k; ++j) {
                  const std::int64_t iy = oy * q.s + i - q.p, ix = ox * q.s + j - q.p;
                  if (iy < 0 || iy >= q.h || ix < 0 || ix >= q.w) continue;
                  const std::int64_t idx = (pl * q.h + iy) * q.w + ix;
                  const double e = v[static_cast<std::size_t>(idx)];
                  if (at < 0 || e > best || std::isnan(e)) {
                    best = e;
                    at = idx;
                  }
                }
              const auto k = static_cast<std::size_t>((pl * oh + oy) * ow + ox);
              wy[k] = best;
              wdx[static_cast<std::size_t>(at)] += g[k];
            }
        const std::vector<double> got = y.to_vector();
        for (std::size_t i = 0; i < got.size(); ++i) {
          if (std::isnan(wy[i])) {
            EXPECT_TRUE(std::isnan(got[i])) << i;
          } else {
            EXPECT_EQ(got[i], wy[i]) << i;
          }
        }
        const std::vector<double> dx = x.grad().to_vector();
        ASSERT_EQ(dx.size(), wdx.size());
        for (std::size_t i = 0; i < dx.size(); ++i) {
          // Overlapping windows add two gradients: in float32 that sum rounds.
          EXPECT_NEAR(dx[i], wdx[i], dt == DType::Float32 ? 1e-6 * (1 + std::abs(wdx[i])) : 0.0)
              << i;
        }
      }
    }
  }
  set_num_threads(saved_threads);
}

/// The bit patterns of a tensor's values (float32 values widen exactly, signs of 0 kept).
std::vector<std::uint64_t> bits(const Tensor& t) {
  std::vector<std::uint64_t> out;
  for (double v : t.to_vector()) out.push_back(std::bit_cast<std::uint64_t>(v));
  return out;
}

// Note [Pooling the conv output in cache] in conv.cpp: the fused operation is the two
// operations, bit for bit, in its values and in every gradient, at any thread count.
TEST(ConvMaxPool, SameBitsAsConvThenPool) {
  const int saved_threads = get_num_threads();
  struct P {
    std::int64_t n, c, h, w, f, k, stride, pad, pool, pool_stride, pool_pad;
    bool bias, input_grad;
  };
  for (const P& q : {P{3, 2, 6, 6, 3, 3, 1, 1, 2, 2, 0, true, true},
                     P{16, 4, 12, 12, 6, 5, 1, 2, 2, 2, 0, true, true},
                     P{16, 1, 12, 12, 4, 5, 1, 2, 2, 2, 0, true, false},  // a first layer
                     P{2, 1, 7, 9, 2, 3, 2, 1, 3, 2, 1, false, true},
                     P{9, 3, 5, 5, 2, 1, 1, 0, 2, 1, 0, true, true},
                     P{0, 2, 6, 6, 3, 3, 1, 1, 2, 2, 0, true, true}}) {  // an empty batch
    for (DType dt : {DType::Float32, DType::Float64}) {
      for (int threads : {1, 2, 3}) {
        set_num_threads(threads);
        std::vector<std::vector<std::uint64_t>> results[2];
        for (int fused = 0; fused < 2; ++fused) {
          Generator gen(5);
          new_graph();
          Tensor x = Tensor::randn({q.n, q.c, q.h, q.w}, gen, dt);
          if (q.input_grad) x.requires_grad_();
          // A weight of zeros for the second filter: its conv output is the bias everywhere,
          // all ties.
          std::vector<double> wv = Tensor::randn({q.f, q.c, q.k, q.k}, gen, dt).to_vector();
          const auto per_filter = static_cast<std::size_t>(q.c * q.k * q.k);
          std::fill_n(wv.begin() + static_cast<std::ptrdiff_t>(per_filter), per_filter, 0.0);
          Tensor w = tensor(wv, {q.f, q.c, q.k, q.k}, dt).requires_grad_();
          Tensor b = q.bias ? Tensor::randn({q.f}, gen, dt).requires_grad_() : Tensor();
          const Tensor y =
              fused == 1
                  ? conv2d_max_pool2d(x, w, b, q.stride, q.pad, q.pool, q.pool_stride, q.pool_pad)
                  : max_pool2d(conv2d(x, w, b, q.stride, q.pad), q.pool, q.pool_stride, q.pool_pad);
          y.backward(Tensor::randn(y.shape(), gen, dt));
          results[fused] = {bits(y), bits(w.grad())};
          if (q.input_grad) results[fused].push_back(bits(x.grad()));
          if (q.bias) results[fused].push_back(bits(b.grad()));
          if (q.n == 0) {
            EXPECT_EQ(w.grad().to_vector(), std::vector<double>(wv.size(), 0.0));
          }
        }
        for (std::size_t i = 0; i < results[0].size(); ++i) {
          EXPECT_EQ(results[1][i], results[0][i])
              << "result " << i << " (value, dw, dx, db), batch " << q.n << ", " << threads
              << " threads";
        }
      }
    }
  }
  set_num_threads(saved_threads);
}

TEST(ConvMaxPool, UnderNoGradRecordsNothing) {
  Tensor x = Tensor::randn({2, 1, 6, 6}, std::uint64_t{3}).requires_grad_();
  const Tensor w = Tensor::randn({2, 1, 3, 3}, std::uint64_t{4});
  const NoGradGuard no_grad;
  const Tensor y = conv2d_max_pool2d(x, w, Tensor(), 1, 1, 2);
  EXPECT_EQ(y.shape(), (Shape{2, 2, 3, 3}));
  EXPECT_FALSE(y.requires_grad());
}

}  // namespace
