#pragma once
// Renders a CNN's FrameReport as a terminal table, labelled per frame, or as JSON ("schema":
// "neurokv.frame_report/1"). Rendering is pure: callers decide where the text goes.
#include <nlohmann/json.hpp>
#include <string>

#include "simulator/frame_cost.hpp"

namespace neurokv {

std::string frame_report_table(const FrameReport& report);
nlohmann::json frame_report_json(const FrameReport& report);

}  // namespace neurokv
