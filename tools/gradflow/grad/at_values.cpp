#include "grad/at_values.hpp"

#include "real_number.hpp"

#include <gradflow/core/error.hpp>

#include <set>
#include <string_view>

namespace gradflow::cli {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool valid_name(std::string_view s) {
  if (s.empty()) return false;
  auto start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!start(s.front())) return false;
  for (char c : s) {
    if (!start(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

[[noreturn]] void bad(const std::string& argument, const std::string& why) {
  throw gradflow::Error("--at " + argument + ": " + why +
                        " (expected NAME=VALUE[,NAME=VALUE...], e.g. --at x=3,y=-4)");
}

double parse_value(std::string_view text, const std::string& argument, std::string_view name) {
  const RealNumber r = read_real_number(text);
  if (!r.problem.empty()) {
    bad(argument, "the value of " + std::string(name) + ", '" + std::string(text) + "', is " +
                      r.problem);
  }
  return r.value;
}

}  // namespace

std::vector<expr::Binding> parse_at(const std::vector<std::string>& arguments) {
  std::vector<expr::Binding> out;
  std::set<std::string, std::less<>> seen;
  for (const std::string& argument : arguments) {
    std::string_view rest = argument;
    if (trim(rest).empty()) bad("''", "no values given");
    for (;;) {
      const std::size_t comma = rest.find(',');
      const std::string_view item = trim(rest.substr(0, comma));
      if (item.empty()) bad(argument, "an empty item (two commas in a row, or a stray comma)");
      const std::size_t eq = item.find('=');
      if (eq == std::string_view::npos) {
        bad(argument, std::string("'").append(item).append("' has no '='"));
      }
      const std::string_view name = trim(item.substr(0, eq));
      const std::string_view value = trim(item.substr(eq + 1));
      if (!valid_name(name)) {
        bad(argument, std::string("'").append(name) +
                          "' is not a variable name (a letter or _, then letters, digits, _)");
      }
      if (value.empty()) bad(argument, std::string(name) + " has no value after '='");
      if (!seen.insert(std::string(name)).second) {
        bad(argument, std::string(name) + " is given more than once");
      }
      out.push_back({std::string(name), parse_value(value, argument, name)});
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

}  // namespace gradflow::cli
