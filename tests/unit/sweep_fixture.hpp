#pragma once
// The sweep both sweep test files run: 3 bandwidths × 3 lane counts × 8 variants × 3 contexts = 216 points.
#include <string>

inline const std::string kSweepSpec = R"(model: paper-300m
hw: akida2-like
variants: all
contexts: [256, 512, 1024]
grid:
  dram.bandwidth_bytes_per_s: [6.4e9, 12.8e9, 25.6e9]
  np.mac_lanes: {from: 8, to: 32, steps: 3, scale: log}
)";
