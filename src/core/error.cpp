#include <gradflow/core/error.hpp>

namespace gradflow::detail {

void fail(const std::string& message) { throw Error(message); }

}  // namespace gradflow::detail
