#pragma once
// A compiled CNN program (compiler/driver/compile.hpp: compile_cnn) read back as the layers and the mapping
// the per-frame cost takes (simulator/frame_cost.hpp), so a frame is costed from the program: the layers
// from its ops (ir::cnn_layer_of), the mapping from its tiles and model line.
#include <string>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"
#include "compiler/passes/map_cnn.hpp"
#include "simulator/frame_cost.hpp"

namespace neurokv::study {

struct CnnProgram {
  CnnSpec spec;
  passes::CnnMapping mapping;
};

// The layers and mapping of a program with `network=cnn` (`file` names it in messages). Throws InputError
// naming the file for a transformer program or a mapping mode other than minimal and allnps.
CnnProgram cnn_of_program(const ir::Program& program, const std::string& file);

// One frame through the program on `hw` (the chip it was compiled for).
FrameReport estimate_program_frame(const ir::Program& program, const std::string& file, const HwConfig& hw);

}  // namespace neurokv::study
