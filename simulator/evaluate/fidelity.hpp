#pragma once
// The fidelity a report is costed at, and the names users give it (`run --fidelity`, a sweep spec's
// `fidelity:`, Python's RunOptions.fidelity). Header-only: the sweep spec parser links no simulator.
#include <optional>
#include <string_view>

namespace neurokv {

enum class Fidelity { Analytic, Cycle };

// For error messages and --help: every name fidelity_named() accepts.
inline constexpr const char* kFidelityNames = "analytic or cycle";

inline const char* to_string(Fidelity fidelity) {
  return fidelity == Fidelity::Analytic ? "analytic" : "cycle";
}

inline std::optional<Fidelity> fidelity_named(std::string_view name) {
  for (Fidelity fidelity : {Fidelity::Analytic, Fidelity::Cycle})
    if (name == to_string(fidelity)) return fidelity;
  return std::nullopt;
}

}  // namespace neurokv
