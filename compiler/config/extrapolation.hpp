#pragma once
// A context longer than the model's learned positions: the costs are computed as asked (the paper sizes
// caches beyond the learned positions too), but the model itself was never trained that far, so every command
// says so.
#include <cstdint>
#include <string>

namespace neurokv {

inline bool extrapolated(int max_positions, int64_t context) { return context > max_positions; }

// The warning text, or "" when the context fits the learned positions.
std::string extrapolation_warning(const std::string& model, int max_positions, int64_t context);

}  // namespace neurokv
