#pragma once
// How tensor operations join the tape (private to src/tensor). See Note [Tensors on the tape]
// in include/gradflow/tensor/impl.hpp and Note [Slots of steps] in core/tape.hpp.

#include "pool.hpp"

#include <gradflow/core/tape.hpp>
#include <gradflow/tensor/tensor_type.hpp>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gradflow::detail {

/// True when an operation on `inputs` must record a step: the tape records (no NoGradGuard)
/// and some input needs a gradient. Throws Error naming `op` for an input computed in a graph
/// that is no longer current.
bool needs_grad(std::initializer_list<const Tensor*> inputs, std::string_view op);
bool needs_grad(const std::vector<Tensor>& inputs, std::string_view op);

/// Throws unless `cell` is a leaf or belongs to the current graph.
void check_live(const GradCell& cell, std::string_view op);

/// The input cells of a step: two inline (most operations have one or two inputs), the rest
/// (where, cat, stack, ...) in a vector, so that recording a unary or binary operation
/// allocates nothing for them. 48 bytes, so that a binary step fits a 192-byte pool block.
class InputCells {
 public:
  std::size_t size() const noexcept { return size_; }
  void push_back(std::shared_ptr<GradCell> cell) {
    if (size_ < kInline) {
      inline_[size_] = std::move(cell);
    } else {
      if (!rest_) rest_ = std::make_unique<std::vector<std::shared_ptr<GradCell>>>();
      rest_->push_back(std::move(cell));
    }
    ++size_;
  }
  const std::shared_ptr<GradCell>& operator[](std::size_t i) const noexcept {
    return i < kInline ? inline_[i] : (*rest_)[i - kInline];
  }

 private:
  static constexpr std::size_t kInline = 2;
  std::shared_ptr<GradCell> inline_[kInline];
  std::unique_ptr<std::vector<std::shared_ptr<GradCell>>> rest_;
  std::size_t size_ = 0;
};

/// The backward of one tensor operation. backward() takes the output's gradient (handing it
/// on, so that a later pass starts from zero), calls run(), and run() hands each input its
/// gradient with give().
class TensorStep : public BackwardStep, public Pooled {
 public:
  explicit TensorStep(std::string_view name) : name_(name) {}
  void backward(double* adjoints) final;
  std::string_view name() const final { return name_; }
  std::string label() const override;
  std::vector<Slot> inputs() const override;
  /// A leaf input that requires grad, with its cell's shape; one without a cell needs no
  /// gradient (the step keeps nothing else of it, so no shape).
  std::optional<OffTapeInput> off_tape_input(std::size_t k) const override;

  std::shared_ptr<GradCell> out_cell;          // the output's cell
  InputCells in_cells;                         // per input; null where no gradient flows
  std::vector<Slot> var_slots;                 // Var inputs (bridges), for inputs()

 protected:
  /// Computes the inputs' gradients from the output's (the output's shape; contiguous unless
  /// takes_any_layout()).
  virtual void run(Tensor grad_out) = 0;
  /// Whether run() reads a gradient with any strides. Note [Gradients in a permuted layout].
  virtual bool takes_any_layout() const { return false; }
  /// Whether input i wants a gradient.
  bool wants(std::size_t i) const { return in_cells[i] != nullptr; }
  /// Adds g (input i's shape) into input i's gradient and marks its producer reached. A g
  /// nothing else holds is adopted as the buffer instead of copied.
  void give(std::size_t i, Tensor g);
  /// The adjoint buffer being swept (for bridges to Var).
  double* adjoints() const noexcept { return adjoints_; }

 private:
  std::string_view name_;
  double* adjoints_ = nullptr;
};

/// Records `step` as the producer of `out` with these inputs (in the order run() gives to).
void record(Tensor& out, std::unique_ptr<TensorStep> step,
            std::initializer_list<const Tensor*> inputs);
void record(Tensor& out, std::unique_ptr<TensorStep> step, const std::vector<Tensor>& inputs);

/// Adds g into the cell's gradient.
void accumulate(GradCell& cell, Tensor g);

/// Note [Broadcast gradients]
/// An input broadcast to a larger result receives the result's gradient summed over the axes
/// it was broadcast along. Every operation calls reduce_to for that; no operation sums by itself.
///
/// g summed to `shape` (g's shape must broadcast from `shape`); g itself when equal.
Tensor reduce_to(Tensor g, const Shape& shape);

/// A tensor a backward step needs, with the version it had when saved: changing it in place
/// before the backward pass would give wrong gradients, so that is an Error.
class Saved {
 public:
  Saved() = default;
  explicit Saved(Tensor t);
  const Tensor& get(std::string_view op) const;

 private:
  Tensor t_;
  std::uint64_t version_ = 0;
};

// ---- internal tensor helpers ---------------------------------------------------------------

/// A tensor sharing t's values with another shape, strides and offset (no recording).
Tensor make_view(const Tensor& t, const Shape& shape, const Shape& strides, std::int64_t offset);
/// A contiguous copy of t's values (no recording).
Tensor copy_values(const Tensor& t);
/// dst (any strides) += src broadcast to dst's shape, or summed over the axes where dst
/// broadcasts to src's (reduce_to), no recording. dst and src same dtype.
void add_into(const Tensor& dst, const Tensor& src);
/// Error "op: dtype mismatch: Float32 and Float64 (...)".
void check_same_dtype(const Tensor& a, const Tensor& b, std::string_view op);
/// The operands of an elementwise op whose dtypes differ, in one dtype: a 0-d one converted by
/// a recorded to() to the dtype of the other when that one has axes (Note [A 0-d operand takes
/// the other's dtype] in tensor.cpp); any other pair is check_same_dtype's Error.
std::pair<Tensor, Tensor> match_dtypes(const Tensor& a, const Tensor& b, std::string_view op);
/// Emits apply<G> for every gate of the table (see elementwise.cpp).
const void* instantiate_gate_ops();
/// Throws unless t is defined, naming op.
void check_defined(const Tensor& t, std::string_view op);

}  // namespace gradflow::detail
