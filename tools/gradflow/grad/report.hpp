#pragma once
/// @file
/// What `gradflow grad` prints: text for people, or one JSON object.

#include "expr/evaluate.hpp"
#include "grad/trace.hpp"

#include <gradflow/check/gradcheck.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace gradflow::cli {

/// Everything `grad` computed.
struct GradReport {
  std::string expression;
  std::vector<expr::Binding> at;
  double value = 0.0;
  std::vector<double> gradient;  // one per binding, in --at order
  std::vector<std::string> warnings;
  std::optional<GradcheckResult> check;  // with --check
  std::optional<Trace> trace;            // with --trace
};

/// The report as text: value, gradients, then the trace and the check when asked for.
std::string format_text(const GradReport& report);

/// The report as JSON: {"expression", "at", "value", "gradient": {name: number}, "warnings":
/// [...], and "check" / "trace" when asked for}. NaN and infinities, which JSON cannot hold as
/// numbers, are the strings "nan", "inf", "-inf".
nlohmann::ordered_json to_json(const GradReport& report);

/// A double as JSON: a number, or "nan" / "inf" / "-inf".
nlohmann::ordered_json json_number(double v);

}  // namespace gradflow::cli
