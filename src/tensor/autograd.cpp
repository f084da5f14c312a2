// Tensor steps on the tape: recording, handing gradients on, accumulating them, and undoing
// broadcasting (Note [Broadcast gradients]).

#include "autograd.hpp"

#include "kernels.hpp"
#include "pool.hpp"

#include <gradflow/core/error.hpp>

#include <algorithm>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace gradflow::detail {

void check_live(const GradCell& cell, std::string_view op) {
  if (cell.leaf) return;
  const Tape& tape = Tape::current();
  if (cell.generation == tape.generation() && cell.slot < tape.size()) return;
  fail(std::string(op) + ": a tensor of shape " + cell.shape.str() +
       " was computed in a graph that is no longer current: gradflow::new_graph() cleared it "
       "(or it was recorded in an ended Tape::Scope, or by another thread). Its values are "
       "still readable; use t.detach() to take them as a constant, or recompute it.");
}

bool needs_grad(std::initializer_list<const Tensor*> inputs, std::string_view op) {
  if (!Tape::current().recording()) return false;
  bool any = false;
  for (const Tensor* t : inputs) {
    if (t == nullptr || !t->defined()) continue;
    const GradCell* cell = t->impl().cell.get();
    if (cell == nullptr) continue;
    check_live(*cell, op);
    any = true;
  }
  return any;
}

bool needs_grad(const std::vector<Tensor>& inputs, std::string_view op) {
  if (!Tape::current().recording()) return false;
  bool any = false;
  for (const Tensor& t : inputs) {
    const GradCell* cell = t.impl().cell.get();
    if (cell == nullptr) continue;
    check_live(*cell, op);
    any = true;
  }
  return any;
}

namespace {
void record_cells(Tensor& out, std::unique_ptr<TensorStep> step) {
  Tape& tape = Tape::current();
  auto cell = std::allocate_shared<GradCell>(PoolAllocator<GradCell>());
  cell->shape = out.shape();
  cell->dtype = out.dtype();
  cell->leaf = false;
  step->out_cell = cell;
  cell->slot = tape.push_step(std::move(step));
  cell->generation = tape.generation();
  out.impl().cell = std::move(cell);
}
}  // namespace

void record(Tensor& out, std::unique_ptr<TensorStep> step,
            std::initializer_list<const Tensor*> inputs) {
  for (const Tensor* t : inputs) {
    step->in_cells.push_back(t != nullptr && t->defined() ? t->impl().cell : nullptr);
  }
  record_cells(out, std::move(step));
}

void record(Tensor& out, std::unique_ptr<TensorStep> step, const std::vector<Tensor>& inputs) {
  for (const Tensor& t : inputs) step->in_cells.push_back(t.impl().cell);
  record_cells(out, std::move(step));
}

void TensorStep::backward(double* adjoints) {
  if (!out_cell->grad) return;  // reached only by marks of another pass
  Tensor g(std::move(out_cell->grad));
  out_cell->grad.reset();
  out_cell->grad_shared = false;
  if (out_cell->retain) {
    if (out_cell->retained) {
      add_into(Tensor(out_cell->retained), g);
    } else {
      out_cell->retained = copy_values(g).impl_ptr();
    }
  }
  // Backward computes with tensor operations; they must not record onto the tape being swept.
  NoGradGuard no_grad;
  if (!g.is_contiguous() && !takes_any_layout()) g = copy_values(g);
  adjoints_ = adjoints;
  run(std::move(g));
}

std::string TensorStep::label() const {
  return std::string(name_) + " " + (out_cell ? out_cell->shape.str() : std::string("[]"));
}

std::vector<Slot> TensorStep::inputs() const {
  std::vector<Slot> slots;
  for (std::size_t i = 0; i < in_cells.size(); ++i) {
    slots.push_back(in_cells[i] ? in_cells[i]->slot : Slot{0});
  }
  for (Slot s : var_slots) slots.push_back(s);
  return slots;
}

std::optional<BackwardStep::OffTapeInput> TensorStep::off_tape_input(std::size_t k) const {
  if (k >= in_cells.size()) return std::nullopt;  // a Var input of a bridge
  if (in_cells[k] == nullptr) return OffTapeInput{false, ""};
  return OffTapeInput{true, in_cells[k]->shape.str()};
}

void TensorStep::give(std::size_t i, Tensor g) {
  GradCell& cell = *in_cells[i];
  accumulate(cell, std::move(g));
  if (!cell.leaf) adjoints_[cell.slot] += 1.0;  // Note [Slots of steps]: the producer is reached
}

namespace {
/// True when t's elements fill its storage exactly, in some order of its axes: offset 0, no
/// gaps, no element twice (a contiguous tensor, or one of its transposes or permutations).
bool is_dense(const Tensor& t) {
  const TensorImpl& impl = t.impl();
  if (impl.offset != 0) return false;
  std::vector<std::pair<std::int64_t, std::int64_t>> axes;  // (stride, size), size > 1
  for (std::size_t d = 0; d < impl.shape.size(); ++d) {
    if (impl.shape[d] == 0) return false;
    if (impl.shape[d] > 1) axes.emplace_back(impl.strides[d], impl.shape[d]);
  }
  std::sort(axes.begin(), axes.end());
  std::int64_t expected = 1;
  for (const auto& [stride, size] : axes) {
    if (stride != expected) return false;
    expected *= size;
  }
  return impl.storage->bytes >= static_cast<std::size_t>(expected) * dtype_size(t.dtype());
}
}  // namespace

namespace {
/// accumulate() once the cell is this thread's alone.
void accumulate_owned(GradCell& cell, Tensor g) {
  if (!cell.grad) {
    const auto& impl = g.impl_ptr();
    const bool plain =
        impl->cell == nullptr && (g.is_contiguous() || (!cell.leaf && is_dense(g)));
    const bool alone = plain && impl.use_count() == 1 && impl->storage.use_count() == 1;
    if (alone) {
      cell.grad = impl;
    } else if (plain && !cell.leaf) {
      // Note [Shared gradients of intermediates]: no copy until a second gradient arrives.
      // A permuted one is kept as it is (Note [Gradients in a permuted layout]).
      cell.grad = impl;
      cell.grad_shared = true;
    } else {
      cell.grad = copy_values(g).impl_ptr();
    }
    return;
  }
  if (cell.grad_shared) {
    cell.grad = copy_values(Tensor(cell.grad)).impl_ptr();
    cell.grad_shared = false;
  }
  add_into(Tensor(cell.grad), g);
}
}  // namespace

void accumulate(GradCell& cell, Tensor g) {
  if (g.shape() != cell.shape) {
    fail("backward: a gradient of shape " + g.shape().str() + " reached a tensor of shape " +
         cell.shape.str() + " (a bug in gradflow's tensor layer; please report it)");
  }
  // Before any conversion: a gradient an isolated tape drops is not worth converting.
  if (cell.leaf && !Tape::current().allows(&cell)) return;  // Note [Isolated tapes] in tape.hpp
  if (g.dtype() != cell.dtype) g = copy_values(g.detach().to(cell.dtype));
  if (!cell.leaf) {
    accumulate_owned(cell, std::move(g));
    return;
  }
  const std::lock_guard lock(cell.grad_mutex);  // Note [Leaves shared by threads]
  accumulate_owned(cell, std::move(g));
}

// Note [Gradients in a permuted layout]
// matmul computes the gradient of an operand stored transposed (a Linear layer's weight.t())
// transposed, so that it arrives as a dense tensor with permuted strides (Note [Gradients in
// the operand's layout] in matmul.cpp). An intermediate's cell keeps such a gradient as it is;
// the step that reads it copies it into the contiguous layout unless it says it takes any
// layout. The transpose's own step does, and hands the buffer on as its input's gradient:
// before, the copy here and a strided scatter there each cost a pass over every weight.

// Note [Shared gradients of intermediates]
// An operation whose backward hands one tensor to two inputs (x + b passes dy to both) used to
// copy it for the second, so that adding a later gradient into one input's buffer could not
// change the other's. A non-leaf's gradient is only read by its producer's step (the user
// sees leaves' gradients and retained copies), so it may share the values and be copied only
// when a second gradient has to be added in place (grad_shared). Leaves still copy: the user
// may change a leaf's gradient in place. On the spiral step this removed two 300x100 copies.

Tensor reduce_to(Tensor g, const Shape& shape) {
  if (g.shape() == shape) return g;
  if (shape.numel() == g.numel()) return make_view(copy_values(g), shape, contiguous_strides(shape), 0);
  Tensor out = Tensor::zeros(shape, g.dtype());
  add_into(out, g);
  return out;
}

Saved::Saved(Tensor t) : t_(std::move(t)), version_(t_.impl().storage->version) {}

const Tensor& Saved::get(std::string_view op) const {
  if (t_.impl().storage->version != version_) {
    fail(std::string(op) + " backward: a tensor of shape " + t_.shape().str() +
         " that this operation saved for its gradient was changed in place (add_, copy_, ...) "
         "after the operation ran; change it only after backward(), or work on a clone()");
  }
  return t_;
}

}  // namespace gradflow::detail
