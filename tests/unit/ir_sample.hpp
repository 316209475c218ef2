#pragma once
// A small, sound Event IR program built by hand for the IR tests: one decoder layer on a 2x2 mesh, with every
// op kind, every Linear role, resident and streamed weights, SRAM and DRAM KV buffers, a multicast route and
// both schedules.
#include "compiler/ir/program.hpp"

namespace neurokv::test {

ir::Program sample_program();

}  // namespace neurokv::test
