#pragma once
// Short runs of elements, copied or added between a matrix row and rows of a plane: the inner
// loops of im2col and col2im at stride 1 (conv.cpp). Note [Runs of a column row].

#include <cstdint>

namespace gradflow::detail {

/// out[y*width + x] = in[y*ld + x] for y < rows, x < width. May read fewer than `width`
/// elements past a run of `in` other than the last (the row below, when ld >= width).
template <class T>
void copy_runs(const T* in, std::int64_t ld, std::int64_t rows, std::int64_t width, T* out);

/// out[y*ld + x] += in[y*width + x] for y < rows, x < width.
template <class T>
void add_runs(const T* in, std::int64_t rows, std::int64_t width, T* out, std::int64_t ld);

}  // namespace gradflow::detail
