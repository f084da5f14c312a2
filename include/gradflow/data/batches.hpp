#pragma once
/// @file
/// BatchSampler: the sample indices of each mini-batch of an epoch, shuffled anew every epoch.

#include <gradflow/data/numpy_random.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace gradflow::data {

/// Splits 0..size-1 into batches of batch_size; the last batch keeps the remainder (it is
/// smaller, never dropped). With shuffling each epoch is a fresh permutation, drawn as numpy's
/// `RandomState(seed).permutation(size)`, then the next permutation from the same stream.
///
/// ```cpp
/// BatchSampler batches(train.size(), 64, seed);
/// for (int epoch = 0; epoch < epochs; ++epoch) {
///   batches.start_epoch();
///   for (std::size_t b = 0; b < batches.num_batches(); ++b) {
///     Dataset batch = gather(train, batches.batch(b));
///     ...
/// ```
class BatchSampler {
 public:
  /// Throws Error for batch_size 0. A sampler over 0 samples has no batches.
  BatchSampler(std::size_t size, std::size_t batch_size, std::uint32_t seed = 0,
               bool shuffle = true);

  /// Begins an epoch: draws a new order when shuffling (0..size-1 in order otherwise).
  void start_epoch();

  std::size_t size() const noexcept { return order_.size(); }
  std::size_t batch_size() const noexcept { return batch_size_; }
  /// ceil(size / batch_size).
  std::size_t num_batches() const noexcept;
  /// The indices of batch i of the current epoch, valid until the next start_epoch(). Throws Error
  /// for i >= num_batches().
  std::span<const std::int64_t> batch(std::size_t i) const;
  /// The whole order of the current epoch.
  std::span<const std::int64_t> order() const noexcept { return order_; }

 private:
  std::vector<std::int64_t> order_;
  std::size_t batch_size_;
  bool shuffle_;
  NumpyRandom random_;
};

}  // namespace gradflow::data
