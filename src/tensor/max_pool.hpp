#pragma once
// Max pooling's kernels (private to src/tensor): the forward over planes, with each output's
// argmax, and the backward that scatters gradients to the argmaxes. max_pool2d uses them over
// a batch; conv2d_max_pool2d over one image's conv output at a time (Note [Pooling the conv
// output in cache] in conv.cpp).

#include <gradflow/tensor/tensor_type.hpp>

#include <cstdint>
#include <memory>

namespace gradflow::detail {

struct PoolGeometry {
  std::int64_t planes, h, w, oh, ow, kernel, stride, pad;
  std::int64_t in_plane() const { return h * w; }
  std::int64_t out_plane() const { return oh * ow; }
};

/// The geometry of max_pool2d(input of `shape`, kernel, stride, padding), checked: Error names
/// `op`, the shape and the numbers. A stride of 0 means the kernel size. `shape` must be one
/// check_shape() accepts: a tensor's, or conv2d's output shape once conv2d has checked it.
PoolGeometry pool_geometry(const Shape& shape, std::int64_t kernel, std::int64_t stride,
                           std::int64_t padding, const char* op);

/// Max pooling of planes [p0, p1) of px into po, and each output's argmax (its index in its
/// input plane) into am. The first maximum of a window in row-major order wins, and a NaN wins
/// over numbers (the last NaN of the window).
template <class T>
void max_pool_planes(const T* px, const PoolGeometry& g, std::int64_t p0, std::int64_t p1, T* po,
                     std::int32_t* am);

/// The adjoint of max_pool_planes for planes [p0, p1): d (input planes) = 0, then each output
/// gradient of go added at its argmax.
template <class T>
void unpool_planes(const T* go, const std::int32_t* am, const PoolGeometry& g, std::int64_t p0,
                   std::int64_t p1, T* d);

/// Per output element of a max pooling, its argmax. Pooled memory (a std::vector zero-filled
/// it and handed it back to malloc every step).
using Argmax = std::unique_ptr<Storage>;

/// Storage for the argmaxes of every output of `g`.
Argmax make_argmax(const PoolGeometry& g);

}  // namespace gradflow::detail
