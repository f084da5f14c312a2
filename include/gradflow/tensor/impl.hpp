#pragma once
/// @file
/// What a Tensor handle points to (library internals; users hold Tensor).
///
/// Note [Tensors on the tape]
/// A tensor's values live in a Storage that views share. A tensor that takes part in a
/// gradient computation also owns a GradCell: the gradient buffer that consumers' backward steps
/// add (+=) into, and the tape slot of the step that produced the tensor. Leaves (tensors made by
/// factories, with requires_grad_()) have no producer (slot 0): they are not on the tape, so
/// they outlive new_graph() as parameters must, and their gradient accumulates across backward
/// passes until zero_grad(). A computed tensor's step lives on the tape; the cell's generation
/// tells whether that graph is still the current one, so a stale tensor is an Error, never a
/// dangling step. A non-leaf's gradient is handed on (moved out of its cell) when its step runs,
/// which is what lets a second backward pass over the same graph contribute exactly its own
/// gradient (see Note [Accumulating over backward calls] in core/backward.cpp).

#include <gradflow/core/tape.hpp>
#include <gradflow/tensor/dtype.hpp>
#include <gradflow/tensor/shape.hpp>

#include <cstdint>
#include <memory>
#include <mutex>

namespace gradflow::detail {

/// A block of elements shared by a tensor and its views. The version counts in-place changes,
/// so that a backward step can tell that a tensor it saved was modified since.
///
/// Note [Small values inside the Storage]
/// A storage of up to kInlineBytes (a 0-d or tiny tensor) keeps its values in the Storage
/// object itself, so that making such a tensor costs one block less, and reading its values
/// touches the cache line that holds the version anyway. The size is what fits the 64-byte
/// pool block that std::allocate_shared makes for a Storage (16 bytes of control block, 24 of
/// fields): it costs larger tensors nothing. `data` points at the values either way (inline
/// values are 8-byte aligned: enough for float and double, and the kernels load unaligned).
/// A Storage is neither copied nor moved, so `data` never points into another object.
struct Storage {
  static constexpr std::size_t kInlineBytes = 24;

  explicit Storage(std::size_t bytes);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data = nullptr;
  std::size_t bytes = 0;
  std::uint64_t version = 0;

 private:
  alignas(double) unsigned char inline_[kInlineBytes];
  bool is_inline() const noexcept { return data == static_cast<const void*>(inline_); }
};

struct TensorImpl;

/// The autograd state of a tensor that needs a gradient (see Note [Tensors on the tape]).
///
/// Note [Leaves shared by threads]
/// Each thread records and sweeps its own tape, but a leaf (a weight) may be used by graphs of
/// several threads, whose backward passes then add into its gradient at the same time, as in
/// PyTorch. A leaf's `grad` is therefore read and replaced only under `grad_mutex`: without it,
/// one thread's first gradient could replace the buffer another thread is adding into, which
/// frees it under that thread. A non-leaf's cell belongs to one thread's graph and is not
/// locked.
struct GradCell {
  Shape shape;
  DType dtype = DType::Float32;
  std::shared_ptr<TensorImpl> grad;  // contiguous, shape and dtype of the tensor; null: none yet
  std::mutex grad_mutex;             // guards `grad` of a leaf (Note [Leaves shared by threads])
  Slot slot = 0;                     // producer step's slot; 0 for a leaf
  std::uint32_t generation = 0;      // the producer's graph
  bool leaf = true;
  bool retain = false;               // a non-leaf that keeps its gradient (retain_grad())
  bool grad_shared = false;          // grad's values are also another tensor's (non-leaf only)
  std::shared_ptr<TensorImpl> retained;  // what retain_grad() keeps, summed over passes
};

/// The state behind a Tensor handle.
struct TensorImpl {
  TensorImpl() = default;
  // Initialises the members directly (a tensor per operation: no zeroing, then copying, of the
  // two 72-byte shapes).
  TensorImpl(std::shared_ptr<Storage> storage_, const Shape& shape_, const Shape& strides_,
             std::int64_t offset_, DType dtype_) noexcept
      : storage(std::move(storage_)), shape(shape_), strides(strides_), offset(offset_),
        dtype(dtype_) {}

  std::shared_ptr<Storage> storage;
  Shape shape;
  Shape strides;            // in elements
  std::int64_t offset = 0;  // in elements
  DType dtype = DType::Float32;
  std::shared_ptr<GradCell> cell;  // null: no gradient flows through this tensor
};

}  // namespace gradflow::detail
