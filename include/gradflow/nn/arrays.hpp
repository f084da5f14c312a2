#pragma once
/// @file
/// Between the data layer's Arrays (what data sets and safetensors files hold) and Tensors.
/// The data layer sits below the tensor layer and knows nothing of it; nn is where they meet.

#include <gradflow/data/array.hpp>
#include <gradflow/tensor/tensor_type.hpp>

#include <cstdint>
#include <span>

namespace gradflow::nn {

/// A new tensor with the array's values and shape, converted to `dtype`. Throws Error for an
/// integer array.
Tensor to_tensor(const data::Array& array, DType dtype);
/// The same, keeping the element type (F32 or F64).
Tensor to_tensor(const data::Array& array);

/// A contiguous copy of the tensor's values as an Array of its element type (F32 or F64).
data::Array to_array(const Tensor& tensor);

/// The rows `rows` of `array` along dimension 0 as one tensor of `dtype` (a mini-batch), without
/// an intermediate Array. Throws Error for a row out of range.
Tensor rows_to_tensor(const data::Array& array, std::span<const std::int64_t> rows, DType dtype);

/// The data layer's spelling of a tensor dtype (F32/F64), and back.
data::DType data_dtype(DType dtype) noexcept;
DType tensor_dtype(data::DType dtype);

}  // namespace gradflow::nn
