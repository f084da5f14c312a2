// `gradflow grad EXPR --at NAME=VALUE[,...]`: the value and gradient of an expression, its
// staged trace, a numerical check and the circuit diagram.

#include "command.hpp"
#include "expr/error.hpp"
#include "expr/evaluate.hpp"
#include "expr/parser.hpp"
#include "grad/at_values.hpp"
#include "grad/diagnose.hpp"
#include "grad/report.hpp"
#include "grad/trace.hpp"
#include "number_text.hpp"
#include "output_files.hpp"

#include <gradflow/check/gradcheck.hpp>
#include <gradflow/viz/dot.hpp>
#include <gradflow/viz/render.hpp>

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

namespace gradflow::cli::grad_command {

namespace {

struct GradOptions {
  std::string expression;
  std::vector<std::string> at;
  bool json = false;
  bool trace = false;
  bool check = false;
  double step = GradcheckOptions{}.step;  // --check's finite-difference step
  std::string dot_file;
  std::string svg_file;
  std::string png_file;
};

// Graphviz lays out a graph this large for minutes; nobody reads such a diagram anyway.
constexpr std::size_t kMaxDrawnSlots = 5000;

int bad_input(const std::string& message) {
  std::cerr << "gradflow grad: " << message << "\n";
  return kExitBadInput;
}

void write_file(const std::string& path, const std::string& text) {
  errno = 0;
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    throw gradflow::Error("cannot write " + path +
                          (errno != 0 ? std::string(": ") + std::strerror(errno) : std::string()));
  }
}

// All of standard input. Read with read(2), since a stream would take a read error (standard
// input a directory, say) for the end of the input and report "the expression is empty".
std::string read_standard_input() {
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n == 0) return text;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw gradflow::Error(std::string("cannot read the expression from standard input: ") +
                            std::strerror(errno));
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

int run_grad(GradOptions& o) {
  if (o.expression == "-") {
    try {
      o.expression = read_standard_input();
    } catch (const gradflow::Error& e) {
      return bad_input(e.what());
    }
  }

  // Outer whitespace carries no meaning (see main.cpp: "-x^2" arrives as " -x^2"); without it
  // the columns of error messages match the expression as shown.
  const std::size_t first = o.expression.find_first_not_of(" \t\r\n");
  o.expression = first == std::string::npos ? std::string()
                                             : o.expression.substr(first, o.expression.find_last_not_of(" \t\r\n") - first + 1);

  expr::Program program;
  try {
    program = expr::parse(o.expression);
  } catch (const expr::ExprError& e) {
    return bad_input(e.show(o.expression));
  }
  std::vector<expr::Binding> at;
  try {
    at = parse_at(o.at);
  } catch (const gradflow::Error& e) {
    return bad_input(e.what());
  }
  if (!(o.step > 0.0) || !std::isfinite(o.step)) {
    // as given: "0", "-1", "inf" (std::to_string writes 0.000000)
    return bad_input("--step " + number_text(o.step) +
                     ": the finite-difference step must be positive and finite");
  }
  // Every output is checked before the first is written, so that bad input never leaves some
  // files written (or overwritten) and the others not.
  const std::vector<OutputFile> outputs = {
      {"--dot", o.dot_file}, {"--svg", o.svg_file}, {"--png", o.png_file}};
  try {
    for (const OutputFile& f : outputs) {
      if (!f.path.empty()) check_output_file(f.option, f.path);
    }
    check_distinct_outputs(outputs);
  } catch (const gradflow::Error& e) {
    return bad_input(e.what());
  }
  if ((!o.svg_file.empty() || !o.png_file.empty()) && !graphviz_available()) {
    std::cerr << "gradflow grad: " << graphviz_missing_message()
              << "; --dot writes the diagram without it\n";
    return kExitFailure;
  }

  // A graph of our own, with annotation on: the trace and the diagram read names and values.
  Tape::Scope scope;
  Tape& tape = scope.tape();
  AnnotateGuard annotate;
  expr::Evaluation ev;
  try {
    ev = expr::evaluate(program, at);
  } catch (const expr::ExprError& e) {
    return bad_input(e.show(o.expression));
  }
  if (!ev.output.is_constant()) ev.output.backward();

  GradReport report;
  report.expression = o.expression;
  report.at = at;
  report.value = ev.output.value();
  for (const Var& v : ev.variables) report.gradient.push_back(v.grad());
  report.warnings = non_finite_warnings(tape, ev, report.gradient);

  const Slot output = ev.output.is_constant() ? 0 : ev.output.slot("grad");
  if (o.trace) report.trace = trace(tape, output);
  if (o.check && !at.empty()) {
    // Map the --at order onto the program's variables (unused bindings are ignored by f).
    std::vector<std::size_t> binding_of;
    for (const std::string& name : program.variables) {
      for (std::size_t i = 0; i < at.size(); ++i) {
        if (at[i].name == name) binding_of.push_back(i);
      }
    }
    std::vector<double> point;
    for (const expr::Binding& b : at) point.push_back(b.value);
    report.check = gradcheck(
        [&](std::span<const Var> xs) {
          std::vector<Var> values;
          for (std::size_t i : binding_of) values.push_back(xs[i]);
          return expr::evaluate(program, values);
        },
        point, GradcheckOptions{.step = o.step});
  }

  if (!o.dot_file.empty() || !o.svg_file.empty() || !o.png_file.empty()) {
    if (tape.size() > kMaxDrawnSlots) {
      return bad_input("the circuit has " + std::to_string(tape.size() - 1) +
                       " nodes, too many to draw (at most " + std::to_string(kMaxDrawnSlots) +
                       ")");
    }
    DotOptions dot_options;
    dot_options.title = o.expression.size() <= 120 ? o.expression : o.expression.substr(0, 117) + "...";
    dot_options.output_name = "f";
    const std::string dot = to_dot(tape, output, dot_options);
    // Graphviz runs before any output is touched, so that its failure (a format it was built
    // without, say) leaves every file as it was; only the writes themselves come last.
    try {
      const std::string svg =
          o.svg_file.empty() ? "" : render_image(dot, ImageFormat::svg, o.svg_file);
      const std::string png =
          o.png_file.empty() ? "" : render_image(dot, ImageFormat::png, o.png_file);
      if (!o.svg_file.empty()) write_file(o.svg_file, svg);
      if (!o.png_file.empty()) write_file(o.png_file, png);
      if (!o.dot_file.empty()) write_file(o.dot_file, dot);
    } catch (const gradflow::Error& e) {
      std::cerr << "gradflow grad: " << e.what() << "\n";
      return kExitFailure;
    }
  }

  if (o.json) {
    std::cout << to_json(report).dump(2) << "\n";
  } else {
    std::cout << format_text(report);
    for (const std::string& w : report.warnings) std::cerr << "gradflow grad: warning: " << w << "\n";
  }
  if (!report.warnings.empty()) {
    if (o.json) {
      for (const std::string& w : report.warnings) std::cerr << "gradflow grad: warning: " << w << "\n";
    }
    return kExitNonFinite;
  }
  if (report.check && !report.check->passed) return kExitFailure;
  return kExitOk;
}

const RegisterCommand registration{
    "grad",
    "Value and gradient of an expression, with its staged trace, a numerical check and the "
    "circuit diagram",
    [](CLI::App& app) -> Run {
      auto o = std::make_shared<GradOptions>();
      app.add_option("EXPR", o->expression,
                     "The expression, e.g. \"(x + sigmoid(y)) / (sigmoid(x) + (x+y)^2)\": numbers, "
                     "variables, + - * / ^ (power, right-associative), parentheses and the "
                     "functions of the gate table. '-' reads it from standard input (for "
                     "expressions longer than a command line can hold).")
          ->required();
      app.add_option("--at", o->at, "Variable values NAME=VALUE[,NAME=VALUE...]; may be repeated")
          ->type_name("NAME=VALUE,...");
      app.add_flag("--json", o->json, "Print one JSON object instead of text");
      app.add_flag("--trace", o->trace,
                   "Print the staged forward pass, one line per gate, and the backward pass");
      CLI::Option* check =
          app.add_flag("--check", o->check,
                       "Compare each gradient with centered finite differences (exit status 1 if "
                       "one disagrees)");
      app.add_option("--step", o->step,
                     "The finite-difference step h of --check, (f(x+h) - f(x-h)) / 2h (default "
                     "1e-6). Far from 1 a fixed h is too small (x + h rounds to x at x = 1e12) "
                     "or too large (it steps out of log's domain at x = 1e-7): scale it with x")
          ->type_name("H")
          ->needs(check);
      app.add_option("--dot", o->dot_file, "Write the circuit diagram as Graphviz DOT")
          ->type_name("FILE");
      app.add_option("--svg", o->svg_file, "Render the circuit diagram as SVG (needs Graphviz)")
          ->type_name("FILE");
      app.add_option("--png", o->png_file, "Render the circuit diagram as PNG (needs Graphviz)")
          ->type_name("FILE");
      app.footer(
          "Exit status: 0 ok, 1 a check failed, a file could not be written or Graphviz is "
          "missing, 2 bad input, 3 a value or gradient is not finite (NaN or infinite). "
          "--svg and --png run Graphviz's `dot` from PATH, or the program that GRADFLOW_DOT "
          "names.");
      return [o] { return run_grad(*o); };
    }};

}  // namespace

}  // namespace gradflow::cli::grad_command
