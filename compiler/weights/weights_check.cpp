#include "compiler/weights/weights_check.hpp"

#include <fmt/format.h>

#include "compiler/ir/verifier.hpp"
#include "compiler/support/error.hpp"
#include "compiler/weights/weights_layout.hpp"

namespace neurokv::weights {
namespace {

void compare_op(const OpWeightsRecord& record, const ir::Op& op, std::vector<std::string>& problems) {
  const QuantizedTensor& t = record.tensor;
  const StoredShape shape = stored_shape(op);
  if (t.out != shape.out || t.in != shape.in || t.has_bias != shape.has_bias || t.bits != op.weight_bits) {
    problems.push_back(
        fmt::format("op %{} {}: weights [{}, {}]{} at {} bits, the program's op needs [{}, {}]{} at {} "
                    "bits",
                    op.id, op.name, t.out, t.in, t.has_bias ? " with bias" : "", t.bits, shape.out, shape.in,
                    shape.has_bias ? " with bias" : "", op.weight_bits));
    return;
  }
  if (record.tiles.size() != op.tiles.size()) {
    problems.push_back(fmt::format("op %{} {}: {} weight tiles, the program has {}", op.id, op.name,
                                   record.tiles.size(), op.tiles.size()));
    return;
  }
  for (std::size_t i = 0; i < op.tiles.size(); ++i) {
    const WeightTile& w = record.tiles[i];
    const ir::Tile& tile = op.tiles[i];
    const StoredRange range = stored_range(op, tile);
    if (w.out_begin != range.begin || w.out_end != range.end ||
        static_cast<int64_t>(w.bytes) != tile.weight_bytes) {
      problems.push_back(fmt::format(
          "op %{} {} tile {}: channels {}..{} in {} bytes, the program's tile has {}..{} "
          "in weight_bytes {}",
          op.id, op.name, i, w.out_begin, w.out_end, w.bytes, range.begin, range.end, tile.weight_bytes));
    }
  }
}

// One activation scale per program op, in program order.
void compare_activation_scales(const ActivationCalibration& activations, const ir::Program& program,
                               std::vector<std::string>& problems) {
  if (activations.ops.size() != program.ops.size()) {
    problems.push_back(fmt::format("{} activation scales, the program has {} ops", activations.ops.size(),
                                   program.ops.size()));
    return;
  }
  for (const ir::Op& op : program.ops) {
    const std::string& name = activations.ops[static_cast<std::size_t>(op.id)].op;
    if (name != op.name) {
      problems.push_back(fmt::format("activation scale {} is op '{}', the program's op %{} is {}", op.id,
                                     name, op.id, op.name));
      return;  // out of step: later comparisons would only repeat this one
    }
  }
}

}  // namespace

std::vector<std::string> verify_weights(const WeightsFile& file, const ir::Program& program) {
  std::vector<std::string> problems;
  std::size_t next = 0;
  for (const ir::Op& op : program.ops) {
    if (!stores_weights(op)) continue;
    if (next == file.ops.size() || file.ops[next].name != op.name) {
      problems.push_back(fmt::format("op %{} {} holds weights, the weights file has {} in its place", op.id,
                                     op.name,
                                     next == file.ops.size() ? "nothing" : "'" + file.ops[next].name + "'"));
      return problems;  // the two lists are out of step: later comparisons would only repeat this one
    }
    compare_op(file.ops[next++], op, problems);
  }
  if (next < file.ops.size()) {
    problems.push_back(fmt::format("the weights file has {} ops beyond the program's, the first '{}'",
                                   file.ops.size() - next, file.ops[next].name));
  }
  if (file.activations) compare_activation_scales(*file.activations, program, problems);
  return problems;
}

void check_weights(const WeightsFile& file, const ir::Program& program, const std::string& name) {
  const std::vector<std::string> problems = verify_weights(file, program);
  if (!problems.empty()) throw InputError(ir::describe_problems(name, problems));
}

}  // namespace neurokv::weights
