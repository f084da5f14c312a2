// libFuzzer target for the expression language: any bytes either parse, or fail with an
// ExprError whose column lies inside the input (one past the end for "at the end"). What
// parses must print back to text that parses to the same program, evaluate on the tape,
// differentiate, and draw, all without a crash, a leak or undefined behaviour.

#include "expr/error.hpp"
#include "expr/evaluate.hpp"
#include "expr/parser.hpp"

#include <gradflow/core/tape.hpp>
#include <gradflow/viz/dot.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "expr_fuzz: %s\n", what);
  __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gradflow::expr;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  Program program;
  try {
    program = parse(text);
  } catch (const ExprError& e) {
    if (e.column() < 1 || e.column() > size + 1) fail("error column outside the input");
    if (e.show(text).empty()) fail("empty error message");
    return 0;
  }

  // Printing is quadratic in the nesting depth, and libFuzzer's inputs are short.
  const std::string printed = to_string(program);
  try {
    if (to_string(parse(printed)) != printed) fail("to_string does not round-trip");
  } catch (const ExprError&) {
    fail("to_string printed something that does not parse");
  }

  gradflow::Tape::Scope scope;
  gradflow::AnnotateGuard annotate;
  std::vector<Binding> at;
  for (std::size_t i = 0; i < program.variables.size(); ++i) {
    at.push_back({program.variables[i], 0.25 + 0.5 * static_cast<double>(i)});
  }
  Evaluation ev = evaluate(program, at);
  if (!ev.output.is_constant()) ev.output.backward();
  if (gradflow::to_dot(ev.output).empty()) fail("empty DOT");
  return 0;
}
