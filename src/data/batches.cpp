#include <gradflow/data/batches.hpp>

#include <gradflow/core/error.hpp>

#include <algorithm>
#include <numeric>
#include <string>

namespace gradflow::data {

BatchSampler::BatchSampler(std::size_t size, std::size_t batch_size, std::uint32_t seed,
                           bool shuffle)
    : order_(size), batch_size_(batch_size), shuffle_(shuffle), random_(seed) {
  if (batch_size == 0) detail::fail("BatchSampler: batch size must be at least 1");
  std::iota(order_.begin(), order_.end(), std::int64_t{0});
}

void BatchSampler::start_epoch() {
  if (shuffle_) order_ = random_.permutation(order_.size());
}

std::size_t BatchSampler::num_batches() const noexcept {
  return order_.size() / batch_size_ + (order_.size() % batch_size_ != 0 ? 1 : 0);
}

std::span<const std::int64_t> BatchSampler::batch(std::size_t i) const {
  if (i >= num_batches()) {
    detail::fail("BatchSampler: batch " + std::to_string(i) + " of an epoch with " +
                 std::to_string(num_batches()) + " batches");
  }
  const std::size_t begin = i * batch_size_;
  const std::size_t count = std::min(batch_size_, order_.size() - begin);
  return std::span<const std::int64_t>(order_).subspan(begin, count);
}

}  // namespace gradflow::data
