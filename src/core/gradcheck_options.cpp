#include <gradflow/core/error.hpp>
#include <gradflow/core/gradcheck_options.hpp>

#include <cmath>
#include <string>

namespace gradflow::detail {

void check_gradcheck_options(const char* op, double step, double rtol, double atol,
                             std::size_t inputs, std::string_view step_advice) {
  const std::string name(op);
  if (!(step > 0.0) || !std::isfinite(step)) {
    std::string message = name + ": step must be positive and finite, got " + number_str(step);
    if (!step_advice.empty()) message += "; " + std::string(step_advice);
    fail(message);
  }
  if (!(rtol >= 0.0) || !(atol >= 0.0)) {
    fail(name + ": tolerances must be non-negative, got rtol " + number_str(rtol) +
         " and atol " + number_str(atol));
  }
  if (inputs == 0) fail(name + ": no inputs to differentiate with respect to");
}

}  // namespace gradflow::detail
