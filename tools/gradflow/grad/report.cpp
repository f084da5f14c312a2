#include "grad/report.hpp"

#include "number_text.hpp"

#include <cmath>
#include <cstdio>

namespace gradflow::cli {

namespace {

std::string num(double v) { return number_text(v == 0.0 ? 0.0 : v, "%.10g"); }

std::string check_text(const GradReport& r) {
  const GradcheckResult& c = *r.check;
  std::string out = "gradient check (centered differences, step " + num(c.options.step) + "):\n";
  std::size_t width = 5;
  for (const expr::Binding& b : r.at) width = std::max(width, b.name.size());
  char line[256];
  std::snprintf(line, sizeof line, "  %-*s %18s %18s %11s  %s\n", static_cast<int>(width),
                "input", "analytic", "numeric", "rel. error", "result");
  out += line;
  for (std::size_t i = 0; i < c.inputs.size(); ++i) {
    const InputCheck& in = c.inputs[i];
    std::snprintf(line, sizeof line, "  %-*s %s %s %s  %s\n", static_cast<int>(width),
                  r.at[i].name.c_str(), number_text(in.analytic, "%18.10g").c_str(),
                  number_text(in.numeric, "%18.10g").c_str(),
                  number_text(in.relative_error, "%11.2e").c_str(), in.passed ? "pass" : "FAIL");
    out += line;
  }
  out += c.passed ? "  all gradients pass\n" : "  FAILED: backprop and finite differences disagree\n";
  return out;
}

}  // namespace

nlohmann::ordered_json json_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

std::string format_text(const GradReport& r) {
  std::string out;
  out += "f = " + r.expression + "\n";
  if (!r.at.empty()) {
    out += "at  ";
    for (std::size_t i = 0; i < r.at.size(); ++i) {
      out += (i ? ", " : "") + r.at[i].name + " = " + num(r.at[i].value);
    }
    out += "\n";
  }
  out += "\nvalue     f = " + num(r.value) + "\n";
  for (std::size_t i = 0; i < r.at.size(); ++i) {
    out += (i == 0 ? "gradient  " : "          ");
    out += "df/d" + r.at[i].name + " = " + num(r.gradient[i]) + "\n";
  }
  if (r.trace) out.append("\n").append(format(*r.trace));
  if (r.check) out.append("\n").append(check_text(r));
  return out;
}

nlohmann::ordered_json to_json(const GradReport& r) {
  nlohmann::ordered_json j;
  j["expression"] = r.expression;
  j["at"] = nlohmann::ordered_json::object();
  for (const expr::Binding& b : r.at) j["at"][b.name] = b.value;
  j["value"] = json_number(r.value);
  j["gradient"] = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < r.at.size(); ++i) j["gradient"][r.at[i].name] = json_number(r.gradient[i]);
  j["warnings"] = r.warnings;
  if (r.check) {
    nlohmann::ordered_json c;
    c["passed"] = r.check->passed;
    c["step"] = r.check->options.step;
    c["inputs"] = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < r.check->inputs.size(); ++i) {
      const InputCheck& in = r.check->inputs[i];
      c["inputs"][r.at[i].name] = {{"analytic", json_number(in.analytic)},
                                   {"numeric", json_number(in.numeric)},
                                   {"relative_error", json_number(in.relative_error)},
                                   {"passed", in.passed}};
    }
    j["check"] = std::move(c);
  }
  if (r.trace) {
    nlohmann::ordered_json forward = nlohmann::ordered_json::array();
    for (const ForwardLine& f : r.trace->forward) {
      forward.push_back({{"gate", f.gate}, {"name", f.name}, {"op", f.op},
                         {"formula", f.formula}, {"value", json_number(f.value)}});
    }
    nlohmann::ordered_json backward = nlohmann::ordered_json::array();
    for (const BackwardLine& b : r.trace->backward) {
      backward.push_back({{"gate", b.gate}, {"target", b.target}, {"accumulate", b.accumulate},
                          {"local", json_number(b.local)}, {"upstream", json_number(b.upstream)},
                          {"gradient", json_number(b.result)}});
    }
    j["trace"] = {{"forward", std::move(forward)}, {"backward", std::move(backward)}};
  }
  return j;
}

}  // namespace gradflow::cli
