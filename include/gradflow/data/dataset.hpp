#pragma once
/// @file
/// Dataset: inputs (one row per sample along dimension 0) with integer class labels.

#include <gradflow/data/array.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace gradflow::data {

/// A labelled data set: inputs.shape[0] == labels.size(), every label in [0, num_classes).
struct Dataset {
  Array inputs;
  std::vector<std::int64_t> labels;
  std::int64_t num_classes = 0;

  std::size_t size() const noexcept { return labels.size(); }
};

/// The samples at `indices` (in that order), e.g. one mini-batch from BatchSampler. Throws Error
/// for an index outside [0, size()) or inputs whose first dimension is not size().
Dataset gather(const Dataset& dataset, std::span<const std::int64_t> indices);

/// Rows `indices` of an array along dimension 0.
Array gather_rows(const Array& array, std::span<const std::int64_t> indices);

}  // namespace gradflow::data
