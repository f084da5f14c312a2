#pragma once
/// @file
/// Shape: the extents of a tensor (also used for strides), a small inline array so that making
/// a tensor allocates nothing for its metadata.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <vector>

namespace gradflow {

/// The most dimensions a tensor may have.
inline constexpr int kMaxRank = 8;

/// The extents of a tensor, outermost first: `{5, 10}` is 5 rows of 10. Converts from and
/// to std::vector<int64_t>, compares equal to one, and iterates like one.
class Shape {
 public:
  using value_type = std::int64_t;
  using const_iterator = const std::int64_t*;
  using iterator = const std::int64_t*;

  /// The shape of a 0-d tensor (one element).
  Shape() = default;
  Shape(std::initializer_list<std::int64_t> dims);            // NOLINT: `{5, 10}`
  Shape(const std::vector<std::int64_t>& dims);               // NOLINT
  Shape(const std::int64_t* dims, std::size_t rank);

  std::size_t size() const noexcept { return rank_; }
  bool empty() const noexcept { return rank_ == 0; }
  std::int64_t operator[](std::size_t i) const noexcept { return dims_[i]; }
  std::int64_t& operator[](std::size_t i) noexcept { return dims_[i]; }
  const std::int64_t* begin() const noexcept { return dims_.data(); }
  const std::int64_t* end() const noexcept { return dims_.data() + rank_; }
  const std::int64_t* data() const noexcept { return dims_.data(); }
  std::int64_t back() const noexcept { return dims_[rank_ - 1]; }

  /// Appends a dimension; throws Error past kMaxRank.
  void push_back(std::int64_t d);
  /// Product of the extents (1 for a 0-d shape, 0 when any extent is 0), for a shape a tensor
  /// may have (as check_shape() accepts); for one whose extents overflow int64 the count is
  /// meaningless. To count a shape from elsewhere, call check_shape().
  std::int64_t numel() const noexcept {
    // Not checked: every tensor's shape passed check_shape()'s rule when it was made (a
    // factory's, a reshape's, an expand's, a broadcast's, conv2d's output), or was derived from
    // such a shape without growing the product of its extents (permute, slice, select,
    // squeeze, flatten, reductions), so the product fits; checking it again on every call,
    // kernels included, only cost time. Multiplied unsigned, so that a shape no tensor has
    // gives a wrong count rather than undefined behaviour.
    std::uint64_t n = 1;
    for (std::size_t i = 0; i < rank_; ++i) n *= static_cast<std::uint64_t>(dims_[i]);
    return static_cast<std::int64_t>(n);
  }

  /// As "[5,10]" (and "[]" for a 0-d shape), the spelling every error message uses.
  std::string str() const;
  std::vector<std::int64_t> vec() const { return {begin(), end()}; }
  operator std::vector<std::int64_t>() const { return vec(); }  // NOLINT

  friend bool operator==(const Shape& a, const Shape& b) noexcept;
  friend bool operator==(const Shape& a, const std::vector<std::int64_t>& b) noexcept {
    return a == Shape(b.data(), b.size());
  }

 private:
  std::array<std::int64_t, kMaxRank> dims_{};
  unsigned char rank_ = 0;
};

std::ostream& operator<<(std::ostream& os, const Shape& s);

/// Whether the extents multiply to at most INT64_MAX, a 0 extent counted as 1 (so that an empty
/// tensor's strides, and the strided loops' merged extents, fit too): the rule every tensor's
/// shape obeys. check_shape() and broadcast_shapes() apply it; code that computes a shape of
/// its own (conv2d's output, reshape's target) tests it and words its own error.
bool extents_fit_int64(const Shape& shape) noexcept;

/// Checks that `shape` can be a tensor's: no extent negative, and the extents multiply to at
/// most INT64_MAX (a 0 extent counted as 1, so that an empty tensor's strides fit too). Throws
/// Error naming `op` and the shape otherwise. Returns shape.numel().
std::int64_t check_shape(const Shape& shape, const char* op);

/// Row-major (C-order) strides of a shape, in elements.
Shape contiguous_strides(const Shape& shape);

/// NumPy broadcasting of two shapes; throws Error naming `op` and both shapes when they do not
/// broadcast, or when the result has more elements than fit in int64 (as check_shape()).
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

namespace detail {
/// broadcast_shapes() without the int64 test, for two shapes one of which the other broadcasts
/// to: the result is then that tensor's shape, which fits.
Shape broadcast_to_either(const Shape& a, const Shape& b, const char* op);
}  // namespace detail

/// An axis in [-rank, rank) made non-negative; throws Error naming `op` otherwise.
int normalize_axis(std::int64_t axis, std::size_t rank, const char* op);

}  // namespace gradflow
