#pragma once
// The fidelity a report is costed at, and the names users give it (`run --fidelity`, a sweep spec's
// `fidelity:`, Python's RunOptions.fidelity). Header-only: the sweep spec parser links no simulator.
#include <optional>
#include <string>
#include <string_view>

namespace neurokv {

// Analytic: the closed form (simulator/analytic_estimator.hpp). Transaction: the SystemC transaction-level
// model (simulator/transaction/). Cycle: the same NPs and sequencing on the flit-level NoC and the DRAM
// command model (simulator/cycle/).
enum class Fidelity { Analytic, Transaction, Cycle };

// For error messages and --help: every name fidelity_named() accepts.
inline constexpr const char* kFidelityNames = "analytic, transaction or cycle";

inline const char* to_string(Fidelity fidelity) {
  switch (fidelity) {
    case Fidelity::Analytic:
      return "analytic";
    case Fidelity::Transaction:
      return "transaction";
    case Fidelity::Cycle:
      return "cycle";
  }
  return "";
}

inline std::optional<Fidelity> fidelity_named(std::string_view name) {
  for (Fidelity fidelity : {Fidelity::Analytic, Fidelity::Transaction, Fidelity::Cycle})
    if (name == to_string(fidelity)) return fidelity;
  return std::nullopt;
}

// The fidelities that simulate the prefill and each decode token (the analytic one prices one step).
inline bool simulated(Fidelity fidelity) { return fidelity != Fidelity::Analytic; }

// What is wrong with a name fidelity_named() refused and what it expects, for every parser's error message.
inline std::string unknown_fidelity(std::string_view name) {
  return "fidelity is '" + std::string(name) + "', expected " + kFidelityNames;
}

}  // namespace neurokv
