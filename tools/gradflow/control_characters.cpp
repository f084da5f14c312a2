#include "control_characters.hpp"

#include <gradflow/core/error.hpp>

#include <algorithm>
#include <iostream>

namespace gradflow::cli {

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), detail::is_control_byte);
}

void print_error(std::string_view command, std::string_view message) {
  std::cerr << "gradflow " << command << ": " << detail::printable_message(message)
            << "\n";
}

}  // namespace gradflow::cli
