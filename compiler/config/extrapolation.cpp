#include "compiler/config/extrapolation.hpp"

#include <fmt/format.h>

namespace neurokv {

std::string extrapolation_warning(const std::string& model, int max_positions, int64_t context) {
  if (!extrapolated(max_positions, context)) return "";
  return fmt::format(
      "context {} exceeds {}'s {} learned positions: the costs are those of the model extrapolated to {} "
      "tokens",
      context, model, max_positions, context);
}

}  // namespace neurokv
