#include <gradflow/viz/gate_label.hpp>

#include <gradflow/gates/table.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace gradflow::viz {

namespace {

std::vector<GateInfo> build_table() {
  std::vector<GateInfo> t;
  gates::UnaryGates::for_each([&]<class G>() { t.push_back({G::name, G::symbol, 1, false}); });
  gates::BinaryGates::for_each([&]<class G>() { t.push_back({G::name, G::symbol, 2, false}); });
  gates::ParametricGates::for_each(
      [&]<class G>() { t.push_back({G::name, G::symbol, 1, true}); });
  return t;
}

// The constant as written in a label: as short as it reads ("1", "0.5", "-2", "3.14159").
std::string short_number(double c) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", c);
  return buf;
}

}  // namespace

const GateInfo* find_gate(std::string_view name) {
  static const std::vector<GateInfo> table = build_table();
  const auto it = std::find_if(table.begin(), table.end(),
                               [&](const GateInfo& g) { return g.name == name; });
  return it == table.end() ? nullptr : &*it;
}

std::string gate_label(std::string_view op, double param) {
  const GateInfo* g = find_gate(op);
  if (g == nullptr) return std::string(op);
  if (!g->parametric || std::isnan(param)) return std::string(g->symbol);
  // The table writes a parametric gate's symbol with 'c' where the constant goes: "+c", "c/".
  const std::string_view s = g->symbol;
  const std::string c = short_number(param);
  if (!s.empty() && s.front() == 'c') return c + std::string(s.substr(1)) + "x";  // c/ -> 1/x
  if (!s.empty() && s.back() == 'c') {
    std::string op_text(s.substr(0, s.size() - 1));
    if (op_text == "+" && param < 0) return c;  // x + (-2) reads "-2"
    return op_text + c;
  }
  return std::string(s);
}

std::string format_number(double value, int digits) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0.0) value = 0.0;  // no "-0.00"
  char buf[64];
  std::snprintf(buf, sizeof buf, "%#.*g", std::clamp(digits, 1, 17), value);
  std::string s = buf;
  // %#g keeps a bare trailing point for integers written in full ("100."); drop it.
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace gradflow::viz
