#include "simulator/functional/stored_scales.hpp"

#include <fmt/format.h>

#include <map>

#include "compiler/support/error.hpp"

namespace neurokv::functional {

weights::ActivationCalibration to_stored(const ir::Program& program, const ActivationScales& scales,
                                         std::string source) {
  weights::ActivationCalibration stored;
  stored.method = weights::CalibrationMethod::Max;
  stored.source = std::move(source);
  for (const ir::Op& op : program.ops)
    stored.ops.push_back({op.name, scales.max_abs.at(static_cast<std::size_t>(op.id))});
  return stored;
}

ActivationScales from_stored(const ir::Program& program, const weights::ActivationCalibration& stored,
                             const std::string& file) {
  std::map<std::string, float> by_name;
  for (const weights::ActivationScale& scale : stored.ops) by_name.emplace(scale.op, scale.max_abs);
  ActivationScales scales{std::vector<float>(program.ops.size(), 0.0f)};
  for (const ir::Op& op : program.ops) {
    const auto found = by_name.find(op.name);
    if (found == by_name.end()) {
      throw InputError(fmt::format(
          "{}: no activation scale for op '{}', expected one for every op of the program", file, op.name));
    }
    scales.max_abs[static_cast<std::size_t>(op.id)] = found->second;
  }
  return scales;
}

}  // namespace neurokv::functional
