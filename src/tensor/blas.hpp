#pragma once
// GEMM through CBLAS on strided matrices (private to src/tensor): a unit column stride goes to
// BLAS as a row-major matrix, a unit row stride as the transpose of one, so transposed views
// need no copy.

#include <gradflow/core/error.hpp>

#include <cblas.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>
#include <type_traits>

namespace gradflow::detail {

/// A matrix in memory: rows x cols with row stride rs and column stride cs (elements).
template <class T>
struct Mat {
  const T* p;
  std::int64_t rows, cols, rs, cs;
  Mat t() const { return {p, cols, rows, cs, rs}; }
};

inline int as_int(std::int64_t v) {
  if (v > INT_MAX) fail("matmul: extent " + std::to_string(v) + " exceeds BLAS's int range");
  return static_cast<int>(v);
}

/// While alive, BLAS runs on the calling thread only, so that gradflow's threads can each run
/// GEMMs of their own share of the work (Note [Threads over images] in conv.cpp). OpenBLAS has
/// no per-call thread count: the first SerialBlas alive in the process sets its global one to
/// 1, and the last to end restores what it was (so several threads may split work at once).
/// Create it on the thread that then splits the work, never inside the split.
class SerialBlas {
 public:
  SerialBlas();
  ~SerialBlas();
  SerialBlas(const SerialBlas&) = delete;
  SerialBlas& operator=(const SerialBlas&) = delete;
};

/// C (contiguous rows x cols) = A B + beta C.
template <class T>
void gemm(const Mat<T>& a, const Mat<T>& b, T* c, T beta) {
  const std::int64_t m = a.rows, n = b.cols, k = a.cols;
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (beta == T(0)) std::fill(c, c + m * n, T(0));
    return;
  }
  // A unit column stride is row-major as is; a unit row stride is the transpose of one.
  auto op = [](const Mat<T>& x, CBLAS_TRANSPOSE& trans, int& ld) {
    if (x.cs == 1 || x.cols == 1) {
      trans = CblasNoTrans;
      ld = as_int(std::max<std::int64_t>({x.rs, x.cols, 1}));
      if (x.rows == 1) ld = as_int(std::max<std::int64_t>(x.cols, 1));
    } else {
      trans = CblasTrans;
      ld = as_int(std::max<std::int64_t>({x.cs, x.rows, 1}));
    }
  };
  CBLAS_TRANSPOSE ta, tb;
  int lda, ldb;
  op(a, ta, lda);
  op(b, tb, ldb);
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemm(CblasRowMajor, ta, tb, as_int(m), as_int(n), as_int(k), 1.0f, a.p, lda, b.p, ldb,
                beta, c, as_int(n));
  } else {
    cblas_dgemm(CblasRowMajor, ta, tb, as_int(m), as_int(n), as_int(k), 1.0, a.p, lda, b.p, ldb,
                beta, c, as_int(n));
  }
}

}  // namespace gradflow::detail
