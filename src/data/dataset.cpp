#include <gradflow/data/dataset.hpp>

#include <gradflow/core/error.hpp>

#include <algorithm>

namespace gradflow::data {

Array gather_rows(const Array& array, std::span<const std::int64_t> indices) {
  array.validate();
  if (array.shape.empty()) detail::fail("gather_rows: a scalar has no rows to gather");
  const std::int64_t rows = array.shape[0];
  const std::size_t row_size = rows == 0 ? 0 : array.numel() / static_cast<std::size_t>(rows);
  for (std::int64_t i : indices) {
    if (i < 0 || i >= rows) {
      detail::fail("gather_rows: index " + std::to_string(i) + " is outside [0, " +
                   std::to_string(rows) + ") for an array of shape " + shape_string(array.shape));
    }
  }
  Array out;
  out.shape = array.shape;
  out.shape[0] = static_cast<std::int64_t>(indices.size());
  std::visit(
      [&](const auto& from) {
        std::remove_cvref_t<decltype(from)> to(indices.size() * row_size);
        auto dst = to.begin();
        for (std::int64_t i : indices) {
          const auto src = from.begin() + static_cast<std::ptrdiff_t>(i) * row_size;
          dst = std::copy(src, src + static_cast<std::ptrdiff_t>(row_size), dst);
        }
        out.values = std::move(to);
      },
      array.values);
  return out;
}

Dataset gather(const Dataset& dataset, std::span<const std::int64_t> indices) {
  if (dataset.inputs.shape.empty() ||
      dataset.inputs.shape[0] != static_cast<std::int64_t>(dataset.labels.size())) {
    detail::fail("gather: inputs of shape " + shape_string(dataset.inputs.shape) + " do not hold " +
                 std::to_string(dataset.labels.size()) + " samples, one per label");
  }
  Dataset out;
  out.inputs = gather_rows(dataset.inputs, indices);  // checks the indices
  out.labels.reserve(indices.size());
  for (std::int64_t i : indices) out.labels.push_back(dataset.labels[static_cast<std::size_t>(i)]);
  out.num_classes = dataset.num_classes;
  return out;
}

}  // namespace gradflow::data
