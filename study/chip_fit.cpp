#include "study/chip_fit.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unsupported/Eigen/NonLinearOptimization>
#include <unsupported/Eigen/NumericalDiff>

#include "compiler/config/hw_override.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::study {
namespace {

// The rows with their mappings, made once: the free keys price and time a frame but never change where its
// layers go (set_hw_value touches no SRAM size or mesh key).
struct MappedRow {
  const MeasuredRow* row;
  bool held_out;
  passes::CnnMapping mapping;
};

std::vector<MappedRow> map_rows(const ChipFitSpec& spec) {
  std::vector<MappedRow> out;
  const auto add = [&](const std::vector<MeasuredRow>& rows, bool held_out) {
    for (const MeasuredRow& r : rows) {
      try {
        out.push_back({&r, held_out, passes::map_cnn(r.model, spec.chip, r.mode)});
      } catch (const std::exception& e) {
        throw InputError(fmt::format("{}: row '{}' does not map onto chip {}: {}", r.where, r.name,
                                     spec.chip.name, e.what()));
      }
    }
  };
  add(spec.fit, false);
  add(spec.held_out, true);
  return out;
}

RowResidual price(const MappedRow& m, const HwConfig& hw) {
  const FrameReport f = estimate_frame(m.row->model, m.mapping, hw);
  RowResidual r;
  r.row = m.row;
  r.held_out = m.held_out;
  r.nps = f.nps_used;
  r.cycles = f.cycles;
  r.dynamic_j = f.energy.dynamic();
  r.total_j = f.energy.total();
  r.floor_w = f.power.chip_w() + f.power.dram_w;
  if (m.row->cycles) r.relative_error["cycles"] = r.cycles / *m.row->cycles - 1;
  if (m.row->dynamic_j) r.relative_error["dynamic"] = r.dynamic_j / *m.row->dynamic_j - 1;
  if (m.row->total_j) r.relative_error["total"] = r.total_j / *m.row->total_j - 1;
  if (m.row->floor_w) r.relative_error["floor"] = r.floor_w / *m.row->floor_w - 1;
  return r;
}

std::vector<RowResidual> price_all(const std::vector<MappedRow>& rows, const HwConfig& hw) {
  std::vector<RowResidual> out;
  for (const MappedRow& m : rows) out.push_back(price(m, hw));
  return out;
}

// The fit rows' relative errors, one per measured figure.
Eigen::VectorXd fit_residuals(const std::vector<MappedRow>& rows, const HwConfig& hw) {
  std::vector<double> e;
  for (const MappedRow& m : rows) {
    if (m.held_out) continue;
    for (const auto& [figure, error] : price(m, hw).relative_error) e.push_back(error);
  }
  return Eigen::Map<Eigen::VectorXd>(e.data(), static_cast<Eigen::Index>(e.size()));
}

// MINUIT's bounded reparametrisation: any u gives a value within [min, max].
double bounded(const FreeCoefficient& c, double u) { return c.min + (c.max - c.min) * (1 + std::sin(u)) / 2; }
double unbounded(const FreeCoefficient& c, double x) {
  // Start strictly inside: at a bound the sine's slope is zero and the fit would never leave it.
  const double t = std::clamp((x - c.min) / (c.max - c.min), 0.01, 0.99);
  return std::asin(2 * t - 1);
}

// Levenberg-Marquardt on the continuous keys, the integral ones held at their values in `hw`.
struct ContinuousFit {
  using Scalar = double;
  enum { InputsAtCompileTime = Eigen::Dynamic, ValuesAtCompileTime = Eigen::Dynamic };
  using InputType = Eigen::VectorXd;
  using ValueType = Eigen::VectorXd;
  using JacobianType = Eigen::MatrixXd;

  const std::vector<MappedRow>* rows;
  std::vector<const FreeCoefficient*> keys;
  HwConfig hw;
  int figures;

  int inputs() const { return static_cast<int>(keys.size()); }
  int values() const { return figures; }
  HwConfig chip(const Eigen::VectorXd& u) const {
    HwConfig out = hw;
    for (size_t i = 0; i < keys.size(); ++i) set_hw_value(out, keys[i]->key, bounded(*keys[i], u[i]));
    return out;
  }
  int operator()(const Eigen::VectorXd& u, Eigen::VectorXd& residuals) const {
    residuals = fit_residuals(*rows, chip(u));
    return 0;
  }
};

// A chip key's `{value: ..., ...}` entry in the chip YAML's tree, by its dotted key.
YAML::Node chip_entry(YAML::Node root, const std::string& key) {
  size_t start = 0;
  for (size_t dot; (dot = key.find('.', start)) != std::string::npos; start = dot + 1)
    root.reset(root[key.substr(start, dot - start)]);
  return root[key.substr(start)];
}

}  // namespace

ChipFit fit_chip(const ChipFitSpec& spec) {
  const std::vector<MappedRow> rows = map_rows(spec);
  std::vector<const FreeCoefficient*> integral, continuous;
  for (const FreeCoefficient& c : spec.free) (c.integral ? integral : continuous).push_back(&c);
  int figures = 0;
  for (const MeasuredRow& r : spec.fit) figures += r.figures();

  const YAML::Node base_tree = YAML::Load(spec.chip_text);
  std::vector<double> base;  // where the continuous keys start: the base chip's values
  for (const FreeCoefficient* c : continuous)
    base.push_back(chip_entry(base_tree, c->key)["value"].as<double>());
  ChipFit best;
  best.sum_squares = std::numeric_limits<double>::infinity();
  // Every combination of the integral keys' values, odometer order.
  std::vector<double> combo;
  for (const FreeCoefficient* c : integral) combo.push_back(std::ceil(c->min));
  for (bool more = true; more;) {
    ContinuousFit f{&rows, continuous, spec.chip, figures};
    for (size_t i = 0; i < integral.size(); ++i) set_hw_value(f.hw, integral[i]->key, combo[i]);
    Eigen::VectorXd u(static_cast<Eigen::Index>(continuous.size()));
    for (size_t i = 0; i < continuous.size(); ++i)
      u[static_cast<Eigen::Index>(i)] = unbounded(*continuous[i], base[i]);
    if (!continuous.empty()) {
      Eigen::NumericalDiff<ContinuousFit> diff(f);
      Eigen::LevenbergMarquardt<Eigen::NumericalDiff<ContinuousFit>> lm(diff);
      lm.parameters.maxfev = 400;
      lm.minimize(u);
    }
    const HwConfig chip = f.chip(u);
    const double ss = fit_residuals(rows, chip).squaredNorm();
    if (ss < best.sum_squares) {
      best.sum_squares = ss;
      best.chip = chip;
      best.values.clear();
      for (size_t i = 0; i < integral.size(); ++i) best.values[integral[i]->key] = combo[i];
      for (size_t i = 0; i < continuous.size(); ++i)
        best.values[continuous[i]->key] = bounded(*continuous[i], u[static_cast<Eigen::Index>(i)]);
    }
    more = false;
    for (size_t i = 0; i < integral.size() && !more; ++i) {
      if (combo[i] + 1 <= integral[i]->max) {
        combo[i] += 1;
        more = true;
      } else {
        combo[i] = std::ceil(integral[i]->min);
      }
    }
  }
  best.before = price_all(rows, spec.chip);
  best.after = price_all(rows, best.chip);
  return best;
}

std::string fitted_chip_yaml(const ChipFitSpec& spec, const ChipFit& fit) {
  YAML::Node root = YAML::Load(spec.chip_text);
  root["name"] = spec.fitted_name;
  YAML::Node rows(YAML::NodeType::Sequence);
  rows.SetStyle(YAML::EmitterStyle::Flow);
  for (const MeasuredRow& r : spec.fit) rows.push_back(r.name);
  for (const FreeCoefficient& c : spec.free) {
    YAML::Node entry = chip_entry(root, c.key);
    const double value = fit.values.at(c.key);
    entry["value"] =
        c.integral ? fmt::format("{}", static_cast<int64_t>(value)) : fmt::format("{:.9g}", value);
    YAML::Node block(YAML::NodeType::Map);
    block.SetStyle(YAML::EmitterStyle::Flow);
    block["by"] = fmt::format("neurokv calibrate {}", spec.file);
    YAML::Node bounds(YAML::NodeType::Sequence);
    bounds.SetStyle(YAML::EmitterStyle::Flow);
    bounds.push_back(fmt::format("{:.9g}", c.min));
    bounds.push_back(fmt::format("{:.9g}", c.max));
    block["bounds"] = bounds;
    block["rows"] = YAML::Clone(rows);  // a copy each: a shared node would be written as a YAML alias
    block["before"] = spec.chip.provenance.at(c.key);
    entry.remove("source");
    entry.remove("assumed");
    entry.remove("fitted");
    entry["fitted"] = block;
  }
  YAML::Emitter out;
  out << root;
  return fmt::format(
      "# Chip {} with {} coefficients fitted by `neurokv calibrate {}` to measured frames; each fitted "
      "value\n"
      "# carries a `fitted:` block (its bounds, the rows it came from, its provenance before). The base "
      "chip's\n"
      "# comments are not carried over: see its file for them.\n{}\n",
      spec.chip.name, spec.free.size(), spec.file, out.c_str());
}

}  // namespace neurokv::study
