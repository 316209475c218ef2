#pragma once
// A sweep spec resolved against the model and chip files: every point it names, by index, and the spec's
// hash. Point index order: model, then grid point (first axis slowest), then context, then variant (fastest),
// so neighbouring indices share a chip and a compile target.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compiler/config/attention_variant.hpp"
#include "compiler/config/hw_config.hpp"
#include "compiler/config/hw_override.hpp"
#include "compiler/config/model_spec.hpp"
#include "simulator/evaluate/evaluate.hpp"
#include "sweep/lru_cache.hpp"
#include "sweep/spec.hpp"

namespace neurokv::sweep {

// Chips one grid may make: a million is days of analytic points; a typo such as `steps: 100000` on two axes
// (10^10 chips) is refused before any value is checked, not run.
constexpr int64_t kMaxGridPoints = 1000000;

struct SweepPoint {
  int64_t index = 0;
  int model = 0;                    // into SweepPlan::models()
  int64_t grid_point = 0;           // mixed-radix index over the grid axes
  std::vector<double> grid_values;  // one per axis
  int64_t context = 0;
  int variant = 0;  // into SweepPlan::variants(model)
};

// "0.1.0+cost1": neurokv's version (CMake PROJECT_VERSION) and simulator/cost_model_version.hpp's
// kCostModelVersion. Part of every sweep's hash, journal header and results: rows costed by different builds
// are never mixed by --resume or merge.
std::string neurokv_version();

class SweepPlan {
 public:
  // Loads every model and the chip, and checks every grid key and every swept value against the chip file.
  // `version` is neurokv_version() but in tests; `jobs` threads check the grid's values.
  static SweepPlan load(const SweepSpec& spec, const std::string& models_dir,
                        const std::string& hwconfigs_dir, const std::string& version = neurokv_version(),
                        int jobs = 1);

  const SweepSpec& spec() const { return spec_; }
  int64_t size() const;
  SweepPoint point(int64_t index) const;
  const ModelSpec& model(int index) const { return models_[static_cast<std::size_t>(index)]; }
  const std::vector<AttentionVariant>& variants(int model) const {
    return variants_[static_cast<std::size_t>(model)];
  }
  std::vector<std::string> grid_columns() const;

  // The chip at one grid point, validated as the chip file is; from any thread. The last 256 grid points'
  // chips are kept (points are taken in index order, so a grid point's are near each other); a million-chip
  // grid is not held. Throws InputError naming the grid values.
  std::shared_ptr<const HwConfig> hw_at(const SweepPoint& point) const;
  EvaluateOptions options_at(const SweepPoint& point) const;

  // The spec as resolved (names, contexts, grid values, the neurokv version), and a hash over it and the
  // model and chip files' text: shards of one sweep agree on it; a changed spec, chip file or neurokv build
  // does not.
  const nlohmann::json& canonical() const { return canonical_; }
  const std::string& hash() const { return hash_; }
  const std::string& version() const { return version_; }

 private:
  SweepSpec spec_;
  std::vector<ModelSpec> models_;
  std::vector<std::vector<AttentionVariant>> variants_;
  std::string hw_text_, hw_file_;
  std::shared_ptr<const ChipOverrider> hw_overrider_;  // the chip file, read once for the grid's overrides
  // The chip file parsed, and whether every grid key is one set_hw_value() sets on it (no YAML per grid
  // point).
  std::shared_ptr<const HwConfig> base_hw_;
  bool grid_settable_ = false;
  int64_t grid_points_ = 1;
  nlohmann::json canonical_;
  std::string hash_;
  std::string version_;
  std::unique_ptr<LruCache<int64_t, HwConfig>> hw_cache_ = std::make_unique<LruCache<int64_t, HwConfig>>(256);
};

}  // namespace neurokv::sweep
