#pragma once
// A sweep spec: which models, chip, variants and contexts to cost, at which fidelity, over which grid of chip
// parameters. Parsed and validated in one place; see docs/sweeps.md for the format.
#include <cstdint>
#include <string>
#include <vector>

#include "simulator/evaluate/evaluate.hpp"

namespace neurokv::sweep {

// One dimension of the grid: chip keys set together to each value in turn ("mesh.cols+mesh.rows": both).
struct GridAxis {
  std::string name;               // as written in the spec; the column name in results
  std::vector<std::string> keys;  // dotted chip keys
  std::vector<double> values;
  std::string location;  // "spec.yaml:line:col", for messages about this axis
};

struct SweepSpec {
  std::string file;
  std::vector<std::string> models;  // names from models/ or paths
  std::string hw;                   // a name from hwconfigs/ or a path
  std::string variants;             // "all" or a comma-separated list, parsed per model
  std::vector<int64_t> contexts;
  Fidelity fidelity = Fidelity::Analytic;
  // Prefill length; -1 when the spec has no `prompt`: then each point prefills its context − tokens at
  // transaction fidelity (as `neurokv run`, so the last decode token sees the whole context) and nothing at
  // analytic fidelity (as `neurokv estimate`: the analytic decode step is at the context whatever the
  // prompt). See prompt_at().
  int64_t prompt = -1;
  int64_t tokens = 1;
  bool decode_only = false;  // each point's decode tokens without its prefill (`run --decode-only`)
  int weight_bits = 0, act_bits = 0, kv_bits = 0;  // 0: the chip's default
  std::vector<GridAxis> grid;                      // in spec order; an empty grid is the base chip alone
  // "spec.yaml:line:col" of the model(s), hw and variants entries, for messages about the files they name.
  std::string models_location, hw_location, variants_location;
  std::string weight_bits_location, act_bits_location, kv_bits_location, decode_only_location;
};

// The prompt a point at `context` prefills (see SweepSpec::prompt).
int64_t prompt_at(const SweepSpec& spec, int64_t context);

SweepSpec parse_spec(const std::string& yaml_text, const std::string& file);
SweepSpec load_spec(const std::string& path);

}  // namespace neurokv::sweep
