#pragma once
// SimulationResult to bytes and back, for the pipe from the simulation's child process (simulate.cpp).
// Doubles travel as their bit patterns, so the parent sees exactly what the child computed.
#include <string>

#include "simulator/transaction/simulate.hpp"

namespace neurokv::transaction {

std::string encode(const SimulationResult& result);
// Throws RunError on truncated or malformed bytes.
SimulationResult decode(const std::string& bytes);

}  // namespace neurokv::transaction
