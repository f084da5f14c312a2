#include <gradflow/check/gradcheck.hpp>
#include <gradflow/core/gradcheck_options.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace gradflow {

namespace {

// f at `point`, computed without recording.
double evaluate(const ScalarFunction& f, const std::vector<double>& point) {
  NoGradGuard no_grad;
  std::vector<Var> xs;
  xs.reserve(point.size());
  for (double v : point) xs.push_back(Var::constant(v));
  return f(xs).value();
}

}  // namespace

GradcheckResult gradcheck(const ScalarFunction& f, std::span<const double> at,
                          const GradcheckOptions& options) {
  detail::check_gradcheck_options(
      "gradcheck", options.step, options.rtol, options.atol, at.size(),
      "1e-6 suits functions of inputs around 1 (scale it with the inputs)");
  Tape::Scope scope;  // a graph of our own; the caller's stays as it was
  scope.tape().set_isolated(true);  // and so do its Params' and leaves' gradients
  GradcheckResult result;
  result.options = options;

  const std::vector<Var> xs = Var::leaves(at);
  const Var out = f(xs);
  result.value = out.value();
  if (!out.is_constant()) out.backward();

  std::vector<double> point(at.begin(), at.end());
  result.passed = true;
  for (std::size_t i = 0; i < at.size(); ++i) {
    InputCheck c;
    c.analytic = xs[i].grad();
    point[i] = at[i] + options.step;
    const double up = evaluate(f, point);
    point[i] = at[i] - options.step;
    const double down = evaluate(f, point);
    point[i] = at[i];
    c.numeric = (up - down) / (2.0 * options.step);

    const double diff = std::fabs(c.analytic - c.numeric);
    const double scale = std::max(std::fabs(c.analytic), std::fabs(c.numeric));
    c.relative_error = scale > 0.0 ? diff / scale : (diff == 0.0 ? 0.0 : diff);
    // Only finite values can agree: with an infinite numeric value, the tolerance rtol * scale
    // is infinite too and would accept any analytic value. A NaN fails the comparison itself.
    c.passed = std::isfinite(c.analytic) && std::isfinite(c.numeric) &&
               diff <= options.atol + options.rtol * scale;
    result.passed = result.passed && c.passed;
    result.max_relative_error = std::isnan(c.relative_error)
                                    ? c.relative_error
                                    : std::max(result.max_relative_error, c.relative_error);
    result.inputs.push_back(c);
  }
  return result;
}

GradcheckResult gradcheck(const ScalarFunction& f, std::initializer_list<double> at,
                          const GradcheckOptions& options) {
  return gradcheck(f, std::span<const double>(at.begin(), at.size()), options);
}

std::string GradcheckResult::report() const {
  std::string out;
  char line[160];
  std::snprintf(line, sizeof line, "%-6s %22s %22s %12s  %s\n", "input", "analytic", "numeric",
                "rel. error", "result");
  out += line;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const InputCheck& c = inputs[i];
    std::snprintf(line, sizeof line, "x[%zu]%*s %22.15g %22.15g %12.3e  %s\n", i,
                  static_cast<int>(i < 10 ? 2 : (i < 100 ? 1 : 0)), "", c.analytic, c.numeric,
                  c.relative_error, c.passed ? "pass" : "FAIL");
    out += line;
  }
  std::snprintf(line, sizeof line,
                "%s: max relative error %.3e (step %g, rtol %g, atol %g)\n",
                passed ? "PASSED" : "FAILED", max_relative_error, options.step, options.rtol,
                options.atol);
  out += line;
  return out;
}

}  // namespace gradflow
