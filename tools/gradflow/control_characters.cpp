#include "control_characters.hpp"

#include <gradflow/core/error.hpp>

#include <algorithm>
#include <iostream>

namespace gradflow::cli {

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

void print_error(std::string_view command, std::string_view message) {
  std::cerr << "gradflow " << command << ": " << detail::printable(message, message.size())
            << "\n";
}

}  // namespace gradflow::cli
