#include "grad/trace.hpp"

#include "number_text.hpp"

#include <gradflow/gates/table.hpp>
#include <gradflow/viz/dot.hpp>
#include <gradflow/viz/gate_label.hpp>

#include <cmath>
#include <set>
#include <string_view>

namespace gradflow::cli {

namespace {

std::string num(double v) { return number_text(v == 0.0 ? 0.0 : v); }

// A constant as it reads inside a short name: small integers only ("2", "m1" for -1).
std::string name_number(double c) {
  if (c != std::floor(c) || std::fabs(c) >= 100) return "c";
  const long n = static_cast<long>(c);
  return n < 0 ? std::string("m").append(std::to_string(-n)) : std::to_string(n);
}

// The notes' naming: sigmoid(x) is sigx, x + y is xpy, xpy ^ 2 is xpysqr.
std::string short_name(std::string_view op, const std::vector<std::string>& in, double c) {
  using namespace gates;
  const std::string a = in.empty() ? "" : in[0];
  const std::string b = in.size() > 1 ? in[1] : "";
  if (in.size() == 2) {
    if (op == Add::name) return a + "p" + b;
    if (op == Sub::name) return a + "m" + b;
    if (op == Mul::name) return a + "t" + b;
    if (op == Div::name) return a + "d" + b;
    if (op == Pow::name) return a + "pow" + b;
    return std::string(op) + a + b;
  }
  if (op == AddConst::name) return c < 0 ? a + "m" + name_number(-c) : a + "p" + name_number(c);
  if (op == Scale::name) return c == -1.0 ? "neg" + a : a + "t" + name_number(c);
  if (op == SubFrom::name) return name_number(c) + "m" + a;
  if (op == DivBy::name) return a + "d" + name_number(c);
  if (op == DivInto::name) return c == 1.0 ? "inv" + a : name_number(c) + "d" + a;
  if (op == PowConst::name) return c == 2.0 ? a + "sqr" : a + "pow" + name_number(c);
  if (op == ConstPow::name) return name_number(c) + "pow" + a;
  return std::string(op.size() <= 4 ? op : op.substr(0, 3)) + a;
}

// sigmoid(x), x + y, max(x, y), xpy ^ 2, 1 / den, from the table's symbols.
std::string formula(std::string_view op, const std::vector<std::string>& in, double c) {
  const viz::GateInfo* g = viz::find_gate(op);
  std::string args;
  for (std::size_t i = 0; i < in.size(); ++i) args += (i ? ", " : "") + in[i];
  if (g == nullptr) return std::string(op) + "(" + args + ")";
  const std::string_view s = g->symbol;
  if (g->parametric) {
    // The symbol has 'c' where the constant goes ("+c", "c/").
    if (s.front() == 'c') return num(c) + " " + std::string(s.substr(1)) + " " + in[0];
    if (g->name == gates::AddConst::name && c < 0) return in[0] + " - " + num(-c);
    return in[0] + " " + std::string(s.substr(0, s.size() - 1)) + " " + num(c);
  }
  if (g->arity == 2 && s.size() == 1) return in[0] + " " + std::string(s) + " " + in[1];
  if (g->arity == 1 && s != g->name && s.find('x') != std::string_view::npos) {
    std::string out(s);  // "1/x" with its argument written in
    out.replace(out.find('x'), 1, in[0]);
    return out;
  }
  return std::string(g->name) + "(" + args + ")";
}

struct Operand {
  Slot slot;
  double partial;
};

std::vector<Operand> operands_of(const Tape& tape, Slot s) {
  const TapeEntry e = tape.entry(s);
  std::vector<Operand> out;
  if (e.a == kStepMarker) {
    for (Slot in : tape.step(e).inputs()) out.push_back({in, std::nan("")});
    return out;
  }
  if (e.a == kNaryMarker) {
    for (std::size_t k = 0; k < tape.nary(e).count; ++k) {
      const Tape::NaryOperand o = tape.nary_operand(e, k);
      out.push_back({o.slot, o.partial});
    }
    return out;
  }
  const SlotAnnotation* a = tape.annotation(s);
  const viz::GateInfo* g = a != nullptr ? viz::find_gate(a->op) : nullptr;
  const std::size_t arity = g != nullptr ? g->arity : (e.b == 0 && e.db == 0.0 ? 1 : 2);
  out.push_back({e.a, e.da});
  if (arity == 2) out.push_back({e.b, e.db});
  return out;
}

bool is_input(const SlotAnnotation* a) {
  return a != nullptr && (a->op == "leaf" || a->op == "param" || a->op == kConstantOp);
}

}  // namespace

Trace trace(const Tape& tape, Slot output) {
  Trace t;
  if (output == 0) return t;
  std::vector<std::string> names(std::size_t{output} + 1);
  std::vector<std::size_t> gate_number(std::size_t{output} + 1, 0);
  std::set<std::string> used;

  // What the output depends on (one reverse sweep), so that unused inputs are left out.
  std::vector<bool> needed(std::size_t{output} + 1, false);
  needed[output] = true;
  for (Slot s = output; s > 0; --s) {
    if (!needed[s] || is_input(tape.annotation(s))) continue;
    for (const Operand& op : operands_of(tape, s)) {
      if (op.slot < s) needed[op.slot] = true;
    }
  }

  for (Slot s = 1; s <= output; ++s) {
    const SlotAnnotation* a = tape.annotation(s);
    if (!is_input(a)) continue;
    if (a->op == kConstantOp) {
      names[s] = num(a->value);
    } else {
      names[s] = a->label.empty() ? std::string("v").append(std::to_string(s)) : a->label;
      used.insert(names[s]);
      if (needed[s]) t.inputs.emplace_back(names[s], a->value);
    }
  }
  t.output = used.count("f") == 0 ? "f" : "out";
  used.insert(t.output);

  std::size_t gates = 0;
  for (Slot s = 1; s <= output; ++s) {
    const SlotAnnotation* a = tape.annotation(s);
    if (is_input(a) || !needed[s]) continue;
    gate_number[s] = ++gates;
    std::vector<std::string> in;
    for (const Operand& op : operands_of(tape, s)) in.push_back(op.slot ? names[op.slot] : "c");
    const std::string_view op = a != nullptr ? a->op : std::string_view("?");
    const double c = a != nullptr ? a->param : std::nan("");
    std::string name = s == output ? t.output : short_name(op, in, c);
    if (s != output && (name.size() > 7 || used.count(name) != 0)) {
      name = "t" + std::to_string(gates);
      while (used.count(name) != 0) name += "_";
    }
    used.insert(name);
    names[s] = name;
    const std::string step_label =
        tape.entry(s).a == kStepMarker ? tape.step(tape.entry(s)).label() : "";
    t.forward.push_back({gates, name, std::string(op),
                         step_label.empty() ? formula(op, in, c) : step_label,
                         a != nullptr ? a->value : std::nan("")});
  }

  t.has_backward = tape.adjoint(output) != 0.0;
  if (!t.has_backward) return t;
  std::vector<bool> reached(std::size_t{output} + 1, false);
  for (Slot s = output; s > 0; --s) {
    if (gate_number[s] == 0) continue;
    const double upstream = tape.adjoint(s);
    for (const Operand& op : operands_of(tape, s)) {
      if (op.slot == 0) continue;
      const SlotAnnotation* a = tape.annotation(op.slot);
      if (a != nullptr && a->op == kConstantOp) continue;  // a literal's gradient is of no use
      t.backward.push_back({gate_number[s], names[op.slot], reached[op.slot], op.partial, upstream,
                            op.partial * upstream});
      reached[op.slot] = true;
    }
  }
  return t;
}

std::string format(const Trace& t) {
  std::string out = "forward pass:\n";
  for (const auto& [name, value] : t.inputs) out += "   " + name + " = " + num(value) + "\n";
  for (const ForwardLine& f : t.forward) {
    out += std::string("#").append(std::to_string(f.gate)) + " " + f.name + " = " + f.formula + " = " +
           num(f.value) + "\n";
  }
  if (!t.has_backward) return out;
  out += "backward pass (gradient = local gradient × upstream gradient; += where a value "
         "forks):\n";
  out += "   d" + t.output + " = 1\n";
  std::size_t gate = 0;
  for (const BackwardLine& b : t.backward) {
    if (b.gate != gate) {
      gate = b.gate;
      const ForwardLine& f = t.forward[gate - 1];
      out += "#" + std::to_string(gate) + " backprop " + f.name + " = " + f.formula + "   (d" +
             f.name + " = " + num(b.upstream) + ")\n";
    }
    out += "     d" + b.target + (b.accumulate ? " += " : " = ") + num(b.local) + " × " +
           num(b.upstream) + " = " + num(b.result) + "\n";
  }
  return out;
}

}  // namespace gradflow::cli
