#include <gradflow/scalar/param.hpp>

namespace gradflow {

Param::Param(double value) : state_(std::make_shared<PersistentLeaf>()) { state_->value = value; }

Var Param::var() const {
  Tape& tape = Tape::current();
  if (!tape.recording()) return Var::constant(state_->value);
  const Slot slot = tape.bind(state_);
  if (tape.annotating()) [[unlikely]] tape.annotate(slot, "param", state_->value);
  return detail::VarAccess::make(state_->value, slot, tape.generation());
}

}  // namespace gradflow
