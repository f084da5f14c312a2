// Shapes: construction, printing and broadcasting.

#include <gradflow/core/error.hpp>
#include <gradflow/tensor/shape.hpp>

#include <algorithm>
#include <limits>
#include <ostream>
#include <string>

namespace gradflow {

namespace {
[[noreturn]] void fail_rank(std::size_t rank) {
  detail::fail("Shape: " + std::to_string(rank) + " dimensions; a tensor has at most " +
               std::to_string(kMaxRank));
}
}  // namespace

Shape::Shape(std::initializer_list<std::int64_t> dims) : Shape(dims.begin(), dims.size()) {}

Shape::Shape(const std::vector<std::int64_t>& dims) : Shape(dims.data(), dims.size()) {}

Shape::Shape(const std::int64_t* dims, std::size_t rank) {
  if (rank > static_cast<std::size_t>(kMaxRank)) fail_rank(rank);
  for (std::size_t i = 0; i < rank; ++i) dims_[i] = dims[i];
  rank_ = static_cast<unsigned char>(rank);
}

void Shape::push_back(std::int64_t d) {
  if (rank_ == kMaxRank) fail_rank(rank_ + 1u);
  dims_[rank_++] = d;
}

namespace {
/// `origin`: how the op came to the shape, when the caller did not give it (" (the broadcast
/// of [2,1] and [1,3])").
[[noreturn]] void fail_too_many(const Shape& shape, const char* op,
                                const std::string& origin = "") {
  const bool empty = std::find(shape.begin(), shape.end(), 0) != shape.end();
  detail::fail(std::string(op) + ": shape " + shape.str() + origin +
               (empty ? ": its nonzero extents multiply to more than fit in int64"
                      : " has more elements than fit in int64") +
               " (at most " + std::to_string(std::numeric_limits<std::int64_t>::max()) +
               "); check the extents for a unit or sign mistake");
}

/// extents_fit_int64's rule, one extent at a time, for the callers that fold it into a loop of
/// their own: multiplies `nonzero`, the product of the extents so far (a 0 counted as 1), by
/// `d`; false once the product passes INT64_MAX.
bool times_extent(std::int64_t& nonzero, std::int64_t d) noexcept {
  return !__builtin_mul_overflow(nonzero, d == 0 ? 1 : d, &nonzero);
}
}  // namespace

bool extents_fit_int64(const Shape& shape) noexcept {
  std::int64_t nonzero = 1;
  for (std::int64_t d : shape) {
    if (!times_extent(nonzero, d)) return false;
  }
  return true;
}

std::int64_t check_shape(const Shape& shape, const char* op) {
  // Every tensor a factory makes comes through here, so the sign test, the rule and the count
  // share one pass. The overflow is reported after the loop, so that a negative extent is
  // named even where the product overflowed before reaching it.
  std::int64_t nonzero = 1;
  bool fits = true, empty = false;
  for (std::int64_t d : shape) {
    if (d < 0) detail::fail(std::string(op) + ": negative extent in shape " + shape.str());
    fits = fits && times_extent(nonzero, d);
    empty = empty || d == 0;
  }
  if (!fits) fail_too_many(shape, op);
  return empty ? 0 : nonzero;
}

std::string Shape::str() const {
  std::string s = "[";
  for (std::size_t i = 0; i < rank_; ++i) {
    if (i) s += ',';
    s += std::to_string(dims_[i]);
  }
  return s + "]";
}

bool operator==(const Shape& a, const Shape& b) noexcept {
  if (a.rank_ != b.rank_) return false;
  for (std::size_t i = 0; i < a.rank_; ++i) {
    if (a.dims_[i] != b.dims_[i]) return false;
  }
  return true;
}

std::ostream& operator<<(std::ostream& os, const Shape& s) { return os << s.str(); }

Shape contiguous_strides(const Shape& shape) {
  Shape strides = shape;
  std::int64_t stride = 1;
  for (std::size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    // Never overflows for a shape check_shape() accepts; for any other, the strides past the
    // overflow are meaningless but defined.
    std::int64_t next = 0;
    if (!__builtin_mul_overflow(stride, shape[i] > 0 ? shape[i] : 1, &next)) stride = next;
  }
  return strides;
}

Shape detail::broadcast_to_either(const Shape& a, const Shape& b, const char* op) {
  const std::size_t rank = a.size() > b.size() ? a.size() : b.size();
  Shape out;
  for (std::size_t i = 0; i < rank; ++i) {
    // Align from the right: missing leading axes have extent 1.
    const std::int64_t da = i + a.size() >= rank ? a[i + a.size() - rank] : 1;
    const std::int64_t db = i + b.size() >= rank ? b[i + b.size() - rank] : 1;
    if (da != db && da != 1 && db != 1) {
      detail::fail(std::string(op) + ": shapes " + a.str() + " and " + b.str() +
                   " do not broadcast: axis " + std::to_string(i) + " has extents " +
                   std::to_string(da) + " and " + std::to_string(db) +
                   " (extents must be equal, or one of them 1)");
    }
    out.push_back(da == 1 ? db : da);
  }
  return out;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  Shape out = detail::broadcast_to_either(a, b, op);
  // Checked here, under the broadcasting op's name: the op allocates its result next. Two
  // shapes that fit may broadcast to one that does not ([2^40,1] and [1,2^40]).
  if (!extents_fit_int64(out)) {
    fail_too_many(out, op, " (the broadcast of " + a.str() + " and " + b.str() + ")");
  }
  return out;
}

int normalize_axis(std::int64_t axis, std::size_t rank, const char* op) {
  const auto r = static_cast<std::int64_t>(rank);
  if (axis < -r || axis >= r) {
    detail::fail(std::string(op) + ": axis " + std::to_string(axis) + " is out of range for a " +
                 std::to_string(rank) + "-d tensor (valid: " + std::to_string(-r) + " to " +
                 std::to_string(r - 1) + ")");
  }
  return static_cast<int>(axis < 0 ? axis + r : axis);
}

}  // namespace gradflow
