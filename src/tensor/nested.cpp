// tensor() from nested braced lists, tensor({{1, 2}, {3, 4}}): the shape is read down the first
// element at each depth, then every list is checked against it while its numbers are copied out
// in row-major order.

#include <gradflow/core/error.hpp>
#include <gradflow/tensor/tensor_type.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gradflow {

// Note [Nested braced lists]
// One overload takes every depth, through the recursive detail::Nested, because an overload per
// rank is ambiguous: `{{{1.0}}}` fits a 2-d initializer_list<initializer_list<double>> (a double
// can be initialised from `{1.0}`) as well as a 3-d one, so a tensor of shape [N,M,1] would not
// compile. With Nested each pair of braces is one more level, so the depth is what was written.
// The 1-d forms keep their overloads: a number cannot become an initializer_list, so
// `tensor({1.0, 2.0})` does not fit this one. `{{1.0}, {2.0}}` fits both (a std::vector<double>
// can be made of the numbers `{1.0}` and `{2.0}`), and C++ prefers the conversion to a
// std::initializer_list ([over.ics.rank]), so it is [2,1], as in PyTorch. `tensor({})` fits
// both too and comes here: no rows is the 1-d tensor of 0 elements it was before.

namespace {

using detail::Nested;

/// "[1][0]": an element's position, outer index first.
std::string position(const std::vector<std::size_t>& path) {
  std::string s;
  for (const std::size_t i : path) s += "[" + std::to_string(i) + "]";
  return s;
}

/// The walk over the lists, checking each against the shape read down the first elements.
struct Flatten {
  std::vector<std::int64_t> shape;
  std::vector<double> values;
  std::vector<std::size_t> path;  // of the list or number being visited

  /// The first element at this depth, against which an element at `path` is measured.
  std::string first() const { return position(std::vector<std::size_t>(path.size(), 0)); }

  void items(const std::vector<Nested>& list) {
    const std::int64_t want = shape[path.size()];
    if (static_cast<std::int64_t>(list.size()) != want) {
      detail::fail("tensor: row " + position(path) + " has length " + std::to_string(list.size()) +
                   " but row " + first() + " has length " + std::to_string(want) +
                   "; the rows of a nested list must be equally long");
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      path.push_back(i);
      element(list[i]);
      path.pop_back();
    }
  }

  void element(const Nested& e) {
    const bool list_here = path.size() < shape.size();
    if (e.is_list() != list_here) {
      detail::fail("tensor: element " + position(path) + " is a " +
                   (e.is_list() ? "list" : "number") + " but element " + first() + " is a " +
                   (list_here ? "list" : "number") +
                   "; a nested list must be equally deep throughout");
    }
    if (list_here) {
      items(e.items());
    } else {
      values.push_back(e.value());
    }
  }
};

}  // namespace

Tensor tensor(std::initializer_list<std::initializer_list<Nested>> rows, DType dtype) {
  if (rows.size() == 0) return tensor(std::vector<double>{}, dtype);
  const std::vector<Nested> top(rows.begin(), rows.end());
  Flatten walk;
  for (const std::vector<Nested>* level = &top;;) {
    walk.shape.push_back(static_cast<std::int64_t>(level->size()));
    if (level->empty() || !level->front().is_list()) break;
    level = &level->front().items();
  }
  walk.items(top);
  return tensor(std::move(walk.values), std::move(walk.shape), dtype);
}

}  // namespace gradflow
