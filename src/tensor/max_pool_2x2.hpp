#pragma once
// One output row of 2x2, stride-2 max pooling (the CNN's pooling), with its argmax.

#include <cstdint>

namespace gradflow::detail {

/// out[x] = the max of r0[2x], r0[2x+1], r1[2x], r1[2x+1] for x < ow, taken in that order: a
/// larger number replaces the best so far, and so does a NaN (so the last NaN wins). at[x] is
/// the winner's index in the plane: base + 2x (+1 for the right column, + w for r1).
template <class T>
void max_pool_2x2_row(const T* r0, const T* r1, std::int64_t ow, std::int32_t base,
                      std::int32_t w, T* out, std::int32_t* at);

}  // namespace gradflow::detail
