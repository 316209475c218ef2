#pragma once
// The fidelity a report is costed at, and the names users give it (`run --fidelity`, a sweep spec's
// `fidelity:`, Python's RunOptions.fidelity). Header-only: the sweep spec parser links no simulator.
#include <optional>
#include <string>
#include <string_view>

namespace neurokv {

// Analytic: the closed form (simulator/analytic_estimator.hpp). Transaction: the SystemC transaction-level
// model (simulator/transaction/). The third fidelity, cycle (flit-level NoC, DRAM commands), does not run
// whole programs yet, so it is named here only to say so.
enum class Fidelity { Analytic, Transaction };

// For error messages and --help: every name fidelity_named() accepts.
inline constexpr const char* kFidelityNames = "analytic or transaction";

inline const char* to_string(Fidelity fidelity) {
  return fidelity == Fidelity::Analytic ? "analytic" : "transaction";
}

inline std::optional<Fidelity> fidelity_named(std::string_view name) {
  for (Fidelity fidelity : {Fidelity::Analytic, Fidelity::Transaction})
    if (name == to_string(fidelity)) return fidelity;
  return std::nullopt;
}

// What is wrong with a name fidelity_named() refused and what it expects, for every parser's error message.
inline std::string unknown_fidelity(std::string_view name) {
  const std::string quoted = "fidelity is '" + std::string(name) + "'";
  if (name == "cycle") return quoted + ", which does not run whole programs yet; expected " + kFidelityNames;
  return quoted + ", expected " + kFidelityNames;
}

}  // namespace neurokv
