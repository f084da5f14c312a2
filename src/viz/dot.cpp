// to_dot: walks the tape backward from the output to find what it depends on, then writes one
// node per slot in creation order and one wire per operand. No recursion: a 10-million-gate
// chain is drawn (slowly, by Graphviz) rather than overflowing the stack here.

#include <gradflow/viz/dot.hpp>

#include "dot_writer.hpp"

#include <gradflow/viz/gate_label.hpp>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace gradflow {

namespace {

constexpr const char* kValueColour = "#1a7f37";     // green: forward values
constexpr const char* kGradientColour = "#cf222e";  // red: gradients

std::string escape_html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

enum class Kind { leaf, param, constant, gate, step };

// One input of a slot: the operand slot (0 for a constant outside the tape) and the local
// partial derivative, when the entry records one (steps do not).
struct Operand {
  Slot slot;
  double partial;
  bool has_partial;
};

class DotWriter {
 public:
  // `constant_value` is the value drawn for a constant output (slot 0).
  DotWriter(const Tape& tape, Slot output, const DotOptions& options, double constant_value = 0.0)
      : tape_(tape), output_(output), options_(options), constant_value_(constant_value) {
    // Steps name themselves; a scalar output tells whether annotation was on.
    annotated_ = output == 0 || tape.annotation(output) != nullptr ||
                 tape.entry(output).a == kStepMarker;
    show_gradients_ = options.gradients && output != 0 && tape.adjoint(output) != 0.0;
  }

  std::string write() {
    // The body first: the legend names only what it drew.
    if (output_ == 0) {
      write_constant_output();
    } else {
      mark_needed();
      for (Slot s = 1; s <= output_; ++s) {
        if (needed_[s]) write_node(s);
      }
      for (Slot s = 1; s <= output_; ++s) {
        if (needed_[s]) write_wires_into(s);
      }
      write_output_wire();
    }
    std::string text = "digraph gradflow {\n";
    text += "  rankdir=LR;\n";
    // forcelabels: Graphviz would otherwise drop a gradient label it finds no room for.
    text += "  graph [fontname=\"Helvetica\", forcelabels=true, nodesep=0.45, ranksep=0.7";
    const std::string label = graph_label();
    if (!label.empty()) text += ", labelloc=t, label=<" + label + ">";
    text += "];\n";
    text += "  node [fontname=\"Helvetica\", fontsize=14];\n";
    text += "  edge [fontname=\"Helvetica\", fontsize=11, arrowsize=0.6, color=\"#444444\"];\n";
    return text + out_ + "}\n";
  }

 private:
  // ---- structure ----------------------------------------------------------------------------

  std::vector<Operand> operands(Slot s) const {
    const TapeEntry e = tape_.entry(s);
    std::vector<Operand> ops;
    if (e.a == kStepMarker) {
      for (Slot in : tape_.step(e).inputs()) ops.push_back({in, 0.0, false});
      return ops;
    }
    if (e.a == kNaryMarker) {
      for (std::size_t k = 0; k < tape_.nary(e).count; ++k) {
        const Tape::NaryOperand o = tape_.nary_operand(e, k);
        ops.push_back({o.slot, o.partial, true});
      }
      return ops;
    }
    if (kind(s) != Kind::gate) return ops;
    // The table knows a gate's arity. For any other op (a user's custom gate) the second
    // operand is real if it got a slot or a partial: a unary entry sends its unused second
    // operand to the sink with partial 0.
    const SlotAnnotation* a = tape_.annotation(s);
    const viz::GateInfo* g = a != nullptr ? viz::find_gate(a->op) : nullptr;
    const std::size_t arity = g != nullptr ? g->arity : (e.b == 0 && e.db == 0.0 ? 1 : 2);
    ops.push_back({e.a, e.da, true});
    if (arity == 2) ops.push_back({e.b, e.db, true});
    return ops;
  }

  Kind kind(Slot s) const {
    const TapeEntry e = tape_.entry(s);
    if (e.a == kStepMarker) return Kind::step;
    if (e.a == kNaryMarker) return Kind::gate;
    if (const SlotAnnotation* a = tape_.annotation(s)) {
      if (a->op == "leaf") return Kind::leaf;
      if (a->op == "param") return Kind::param;
      if (a->op == kConstantOp) return Kind::constant;
      return Kind::gate;
    }
    return Tape::is_leaf(e) ? Kind::leaf : Kind::gate;
  }

  // What the output depends on: one reverse sweep, marking operands of marked slots.
  void mark_needed() {
    needed_.assign(std::size_t{output_} + 1, false);
    needed_[output_] = true;
    for (Slot s = output_; s > 0; --s) {
      if (!needed_[s]) continue;
      for (const Operand& op : operands(s)) {
        if (op.slot != 0 && op.slot < s) needed_[op.slot] = true;
      }
    }
  }

  // ---- text ---------------------------------------------------------------------------------

  std::string number(double v) const { return viz::format_number(v, options_.digits); }

  std::string graph_label() const {
    std::string label;
    if (!options_.title.empty()) label += "<b>" + escape_html(options_.title) + "</b>";
    if (!annotated_) {
      if (!label.empty()) label += "<br/>";
      label += "<font point-size=\"11\">recorded without annotation: record inside "
               "gradflow::AnnotateGuard to see gate names and values</font>";
    }
    if (options_.legend) {
      if (!label.empty()) label += "<br/>";
      label += "<font point-size=\"11\">" + (drew_.step ? tensor_legend() : scalar_legend()) +
               "</font>";
    }
    return label;
  }

  std::string scalar_legend() const {
    return "<font color=\"" + std::string(kValueColour) + "\">value</font> forward, " +
           (show_gradients_ ? "<font color=\"" + std::string(kGradientColour) +
                                  "\">gradient</font> backward"
                            : std::string("no backward pass yet"));
  }

  // A tensor graph's wires carry no numbers (a step's values and gradients live in its
  // tensors), so its key names the boxes, and the wires' colours only where scalar gates drew
  // them.
  std::string tensor_legend() const {
    std::vector<std::string> parts = {"yellow: tensor operation [output shape]"};
    if (drew_.requires_grad) parts.emplace_back("blue: leaf tensor [shape] that requires grad");
    if (drew_.no_grad) {
      parts.emplace_back("grey: tensor that needs no gradient (its shape is not recorded)");
    }
    if (drew_.unknown) {
      parts.emplace_back("&quot;tensor&quot;: an input the operation does not describe");
    }
    if (drew_.value) {
      parts.push_back("<font color=\"" + std::string(kValueColour) + "\">value</font> forward");
    }
    if (drew_.gradient) {
      parts.push_back("<font color=\"" + std::string(kGradientColour) +
                      "\">gradient</font> backward");
    }
    std::string legend;
    for (const std::string& part : parts) legend += (legend.empty() ? "" : "; ") + part;
    return legend;
  }

  std::string name_of(Slot s) const {
    const SlotAnnotation* a = tape_.annotation(s);
    if (a != nullptr && !a->label.empty()) return a->label;
    return "";
  }

  std::string gradient_line(Slot s) {
    if (!show_gradients_) return "";
    drew_.gradient = true;
    return "<br/><font point-size=\"11\" color=\"" + std::string(kGradientColour) + "\">" +
           number(tape_.adjoint(s)) + "</font>";
  }

  void write_node(Slot s) {
    const std::string id = std::string("n").append(std::to_string(s));
    const SlotAnnotation* a = tape_.annotation(s);
    const std::string name = escape_html(name_of(s));
    switch (kind(s)) {
      case Kind::leaf: {
        const std::string shown = name.empty() ? "leaf #" + std::to_string(s) : name;
        out_ += "  " + id + " [shape=plaintext, label=<<b>" + shown + "</b>" +
                gradient_line(s) + ">];\n";
        break;
      }
      case Kind::param: {
        const std::string shown = name.empty() ? "param #" + std::to_string(s) : name;
        out_ += "  " + id +
                " [shape=box, peripheries=2, style=filled, fillcolor=\"#ddeeff\", label=<<b>" +
                shown + "</b>" + gradient_line(s) + ">];\n";
        break;
      }
      case Kind::constant:
        out_ += "  " + id +
                " [shape=box, style=\"dashed,filled\", fillcolor=\"#eeeeee\", fontcolor=\"#555555\", "
                "label=<" +
                escape_html(a != nullptr ? number(a->value) : "const") + ">];\n";
        break;
      case Kind::step: {
        drew_.step = true;
        const std::string label = escape_html(tape_.step(tape_.entry(s)).label());
        out_ += "  " + id +
                " [shape=box, style=\"rounded,filled\", fillcolor=\"#fff5cc\", label=<" + label +
                (name.empty() ? "" : "<br/><i>" + name + "</i>") + ">];\n";
        break;
      }
      case Kind::gate: {
        const std::string symbol =
            a != nullptr ? escape_html(viz::gate_label(a->op, a->param)) : "#" + std::to_string(s);
        const bool small = symbol.size() <= 4;
        out_ += "  " + id + " [shape=circle, " +
                (small ? std::string("width=0.5, fixedsize=true, ") : std::string("margin=0.02, ")) +
                "label=<" + symbol + ">";
        if (!name.empty()) out_ += ", xlabel=<<i>" + name + "</i>>";
        out_ += "];\n";
        break;
      }
    }
  }

  // The attributes of a wire: its value as the label (green, laid out above the wire) and its
  // gradient as an external label, which Graphviz places beside the wire after layout, mostly
  // below it: the notes' green-above, red-below. Empty when there is nothing to show.
  std::string wire_attributes(Slot from, double gradient, bool has_gradient) {
    std::string attrs;
    const SlotAnnotation* a = from != 0 ? tape_.annotation(from) : nullptr;
    if (a != nullptr) {
      drew_.value = true;
      attrs += "label=<<font color=\"" + std::string(kValueColour) + "\">" + number(a->value) +
               "</font>>";
    }
    if (show_gradients_ && has_gradient) {
      drew_.gradient = true;
      if (!attrs.empty()) attrs += ", ";
      attrs += "xlabel=<<font color=\"" + std::string(kGradientColour) + "\">" +
               number(gradient) + "</font>>";
    }
    return attrs.empty() ? attrs : " [" + attrs + "]";
  }

  void write_wires_into(Slot s) {
    const std::vector<Operand> ops = operands(s);
    const double upstream = show_gradients_ ? tape_.adjoint(s) : 0.0;
    for (std::size_t k = 0; k < ops.size(); ++k) {
      const Operand& op = ops[k];
      std::string from;
      if (op.slot == 0) {
        // An input that is not on the tape: a constant (Var::constant) of a gate, or a leaf
        // tensor (a parameter or data) of a step, which lives outside the tape.
        from = std::string("c").append(std::to_string(s)).append("_").append(std::to_string(k));
        if (kind(s) == Kind::step) {
          const std::optional<BackwardStep::OffTapeInput> tensor =
              tape_.step(tape_.entry(s)).off_tape_input(k);
          if (!tensor) {
            drew_.unknown = true;
          } else if (tensor->requires_grad) {
            drew_.requires_grad = true;
          } else {
            drew_.no_grad = true;
          }
          out_ += viz::off_tape_tensor_node(from, tensor);
        } else {
          out_ += "  " + from +
                  " [shape=box, style=\"dashed,filled\", fillcolor=\"#eeeeee\", "
                  "fontcolor=\"#555555\", fontsize=11, label=\"const\"];\n";
        }
      } else {
        from = std::string("n").append(std::to_string(op.slot));
      }
      // The gradient along a wire is the part the consumer sends back: local × upstream.
      const double g = op.partial * upstream;
      // A literal's gradient answers no question anyone asked; leave it off its wire.
      const bool gradient = op.has_partial && op.slot != 0 && kind(op.slot) != Kind::constant;
      out_ += "  " + from + " -> n" + std::to_string(s) + wire_attributes(op.slot, g, gradient) +
              ";\n";
    }
  }

  void write_output_wire() {
    std::string name = options_.output_name.empty() ? name_of(output_) : options_.output_name;
    if (name.empty()) name = "out";
    out_ += "  out [shape=plaintext, label=<<b>" + escape_html(name) + "</b>>];\n";
    // A step's adjoint only marks that gradient reached it (Note [Slots of steps]).
    const bool scalar = kind(output_) != Kind::step || tape_.annotation(output_) != nullptr;
    out_ += "  n" + std::to_string(output_) + " -> out" +
            wire_attributes(output_, tape_.adjoint(output_), scalar) + ";\n";
  }

  void write_constant_output() {
    out_ += "  n0 [shape=box, style=\"dashed,filled\", fillcolor=\"#eeeeee\", label=<" +
            escape_html(number(constant_value_)) + ">];\n";
    std::string name = options_.output_name.empty() ? "out" : options_.output_name;
    out_ += "  out [shape=plaintext, label=<<b>" + escape_html(name) + "</b>>];\n";
    out_ += "  n0 -> out;\n";
  }

 private:
  // What the body drew, for the legend.
  struct Drawn {
    bool step = false;
    bool requires_grad = false;  // a leaf tensor that requires grad
    bool no_grad = false;        // a tensor that needs no gradient
    bool unknown = false;        // a tensor the step does not describe
    bool value = false;          // a value on a wire
    bool gradient = false;       // a gradient on a wire
  };

  const Tape& tape_;
  Slot output_;
  const DotOptions& options_;
  double constant_value_;
  bool annotated_ = false;
  bool show_gradients_ = false;
  std::vector<bool> needed_;
  std::string out_;
  Drawn drew_;
};

void require_on_tape(const Tape& tape, Slot output) {
  if (output >= tape.size()) {
    detail::fail("to_dot: slot " + std::to_string(output) + " is not on the tape (it holds " +
                 std::to_string(tape.size()) + " slots)");
  }
}

}  // namespace

std::string to_dot(const Tape& tape, Slot output, const DotOptions& options) {
  require_on_tape(tape, output);
  return DotWriter(tape, output, options).write();
}

namespace viz {

std::string off_tape_tensor_node(const std::string& id,
                                 const std::optional<BackwardStep::OffTapeInput>& tensor) {
  // Blue as a Param: a leaf that gradients reach; grey and dashed as a constant: one they don't.
  const std::string blue = " [shape=box, style=filled, fillcolor=\"#ddeeff\", fontsize=11, ";
  if (!tensor) return "  " + id + blue + "label=\"tensor\"];\n";
  const std::string shape = tensor->shape.empty() ? "" : " " + escape_html(tensor->shape);
  if (tensor->requires_grad) {
    return "  " + id + blue + "label=<leaf" + shape + "<br/><i>requires grad</i>>];\n";
  }
  return "  " + id +
         " [shape=box, style=\"dashed,filled\", fillcolor=\"#eeeeee\", fontcolor=\"#555555\", "
         "fontsize=11, label=<tensor" +
         shape + "<br/><i>no grad</i>>];\n";
}

}  // namespace viz

std::string to_dot(const Var& output, const DotOptions& options) {
  if (output.is_constant()) {
    return DotWriter(Tape::current(), 0, options, output.value()).write();
  }
  const Tape& tape = Tape::current();
  return to_dot(tape, output.slot("to_dot"), options);
}

}  // namespace gradflow
