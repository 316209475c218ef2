#pragma once
// Synthetic traffic patterns (Dally & Towles, "Principles and Practices of Interconnection Networks", ch. 3):
// the destination each source sends to, on a cols × rows mesh with nodes numbered row-major.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace neurokv::noc {

enum class Traffic { Uniform, Transpose, Hotspot, BitComplement };

// For error messages and --help: every name traffic_named() accepts.
inline constexpr const char* kTrafficNames = "uniform, transpose, hotspot or bitcomplement";
const char* to_string(Traffic traffic);
std::optional<Traffic> traffic_named(std::string_view name);

class TrafficPattern {
 public:
  // Throws InputError when the pattern does not fit the mesh (transpose needs a square one).
  // `hotspot_fraction`: under Hotspot, the share of packets sent to the hotspot node (cols / 2, rows / 2).
  TrafficPattern(Traffic traffic, int cols, int rows, double hotspot_fraction);

  // uniform: every node, the source included, equally likely; transpose: (x, y) → (y, x); bitcomplement:
  // (x, y) → (cols − 1 − x, rows − 1 − y), i.e. every address bit inverted on a power-of-two mesh; hotspot:
  // the hotspot node with probability hotspot_fraction, else uniform.
  int destination(int src, std::mt19937_64& rng) const;

 private:
  int uniform(std::mt19937_64& rng) const;

  Traffic traffic_;
  int cols_, rows_;
  double hotspot_fraction_;
};

// A uniform draw in [0, 1) from the top 53 bits: the same on every standard library, unlike
// std::uniform_real_distribution.
inline double unit_draw(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

}  // namespace neurokv::noc
