#include "simulator/human_units.hpp"

#include <fmt/format.h>

#include <cmath>
#include <utility>

namespace neurokv {

std::string count(double value) {
  if (value >= 1e9) return fmt::format("{:.2f} G", value / 1e9);
  if (value >= 1e6) return fmt::format("{:.1f} M", value / 1e6);
  if (value >= 1e3) return fmt::format("{:.1f} k", value / 1e3);
  return fmt::format("{:.0f}", value);
}

std::string bytes(double value) {
  if (value >= 1024.0 * 1024 * 1024) return fmt::format("{:.2f} GiB", value / (1024.0 * 1024 * 1024));
  if (value >= 1024.0 * 1024) return fmt::format("{:.1f} MiB", value / (1024.0 * 1024));
  if (value >= 1024.0) return fmt::format("{:.1f} KiB", value / 1024.0);
  return fmt::format("{:.0f} B", value);
}

std::string si(double value, const char* unit) {
  if (value == 0) return fmt::format("0 {}", unit);
  static constexpr std::pair<double, const char*> kPrefixes[] = {
      {1, ""}, {1e-3, "m"}, {1e-6, "µ"}, {1e-9, "n"}, {1e-12, "p"}};
  for (const auto& [scale, prefix] : kPrefixes) {
    if (std::fabs(value) >= scale || scale == 1e-12) {
      const double scaled = value / scale;
      const int decimals = std::fabs(scaled) >= 100 ? 0 : std::fabs(scaled) >= 10 ? 1 : 2;
      return fmt::format("{:.{}f} {}{}", scaled, decimals, prefix, unit);
    }
  }
  return "";
}

std::string seconds(double value) { return si(value, "s"); }

std::string joules(double value) { return si(value, "J"); }

}  // namespace neurokv
