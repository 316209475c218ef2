#pragma once
// Renders a CNN's FrameReport as a terminal table, labelled per frame. Rendering is pure: callers decide
// where the text goes.
#include <string>

#include "simulator/frame_cost.hpp"

namespace neurokv {

std::string frame_report_table(const FrameReport& report);

}  // namespace neurokv
