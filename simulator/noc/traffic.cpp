#include "simulator/noc/traffic.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"

namespace neurokv::noc {

const char* to_string(Traffic traffic) {
  switch (traffic) {
    case Traffic::Uniform:
      return "uniform";
    case Traffic::Transpose:
      return "transpose";
    case Traffic::Hotspot:
      return "hotspot";
    case Traffic::BitComplement:
      return "bitcomplement";
  }
  return "";
}

std::optional<Traffic> traffic_named(std::string_view name) {
  for (Traffic traffic : {Traffic::Uniform, Traffic::Transpose, Traffic::Hotspot, Traffic::BitComplement})
    if (name == to_string(traffic)) return traffic;
  return std::nullopt;
}

TrafficPattern::TrafficPattern(Traffic traffic, int cols, int rows, double hotspot_fraction)
    : traffic_(traffic), cols_(cols), rows_(rows), hotspot_fraction_(hotspot_fraction) {
  if (traffic == Traffic::Transpose && cols != rows)
    throw InputError(fmt::format(
        "transpose traffic needs a square mesh, got {}x{}; expected equal columns and rows", cols, rows));
  if (!(hotspot_fraction >= 0 && hotspot_fraction <= 1))
    throw InputError(fmt::format("hotspot fraction is {}, expected 0 to 1", hotspot_fraction));
}

int TrafficPattern::uniform(std::mt19937_64& rng) const {
  // Lemire's multiply-shift maps the 64-bit draw onto [0, nodes) without a division.
  return static_cast<int>((static_cast<unsigned __int128>(rng()) * static_cast<uint64_t>(cols_ * rows_)) >>
                          64);
}

int TrafficPattern::destination(int src, std::mt19937_64& rng) const {
  const int x = src % cols_, y = src / cols_;
  switch (traffic_) {
    case Traffic::Uniform:
      return uniform(rng);
    case Traffic::Transpose:
      return x * cols_ + y;
    case Traffic::BitComplement:
      return (rows_ - 1 - y) * cols_ + (cols_ - 1 - x);
    case Traffic::Hotspot:
      return unit_draw(rng) < hotspot_fraction_ ? (rows_ / 2) * cols_ + cols_ / 2 : uniform(rng);
  }
  return src;
}

}  // namespace neurokv::noc
