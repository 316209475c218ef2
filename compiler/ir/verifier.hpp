#pragma once
// Checks an Event IR program for soundness: ids, references, tile coverage, placement inside the mesh, SRAM
// capacities, routes against the XY multicast tree, KV buffer sizes and both schedules (docs/ir.md lists
// every rule). The checks are the contract the compiler's passes meet and the simulator relies on.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"

namespace neurokv::ir {

// Every problem found, each naming the item and the numbers; empty for a sound program.
std::vector<std::string> verify_program(const Program& program);
// Differences between the chip the program was compiled for and `hw`, and bit widths (the precision line's,
// each op's weight_bits) that `hw` does not list.
std::vector<std::string> verify_against(const Program& program, const HwConfig& hw);

// "name: N problems: first", then the next ones (up to 10 in all), one per line, each starting "name: ": the
// message of check_program and the other checks.
std::string describe_problems(const std::string& name, const std::vector<std::string>& problems);

// Throw InputError "name: N problems: ..." listing them, for callers that want a sound program or an error.
void check_program(const Program& program, const std::string& name);
void check_program(const Program& program, const std::string& name, const HwConfig& hw);

}  // namespace neurokv::ir
