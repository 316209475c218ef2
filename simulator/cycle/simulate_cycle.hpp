#pragma once
// The cycle fidelity's entry point (docs/simulator.md "Cycle fidelity"): the transaction model's NPs, wave
// sequencing and shared cost equations (simulator/work.hpp), with every route's packets cut into flits on the
// flit-level mesh (flit_network.hpp) and every DRAM transfer served by the DRAM command model
// (command_dma.hpp). Runs in a child process as simulate() does; deterministic to the byte.
#include "simulator/transaction/simulate.hpp"

namespace neurokv::cycle {

// Throws InputError for options, a program or a chip the cycle fidelity cannot run (simulate()'s checks, NoC
// keys that are not whole numbers, DRAM without a device), RunError if the simulation fails. The result's
// `fabric` holds the flit and DRAM command counts.
SimulationResult simulate_cycle(const ir::Program& program, const HwConfig& hw, const SimOptions& options);

}  // namespace neurokv::cycle
