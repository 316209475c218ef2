#include "cli/commands/calibrate_command.hpp"

#include <fmt/format.h>

#include <memory>
#include <optional>

#include "cli/output.hpp"
#include "study/chip_fit.hpp"

namespace neurokv::cli {
namespace {

struct CalibrateFlags {
  std::string fit_file;
  std::string output;
};

// "ours / measured (error)", or "ours / -" when the figure was not measured.
std::string figure_cell(double ours, const std::optional<double>& measured, const study::RowResidual& r,
                        const char* figure) {
  if (!measured) return fmt::format("{:.4g} / -", ours);
  return fmt::format("{:.4g} / {:.4g} ({:+.1f} %)", ours, *measured, 100 * r.relative_error.at(figure));
}

std::string residual_table(const std::vector<study::RowResidual>& rows) {
  std::string out = fmt::format("  {:<28} {:<8} {:<9} {:>9}  {:<34} {:<32} {:<32} {}\n", "row", "set", "mode",
                                "NPs", "cycles ours / measured", "dynamic mJ", "total mJ", "floor mW");
  for (const study::RowResidual& r : rows) {
    const study::MeasuredRow& m = *r.row;
    const auto milli = [](const std::optional<double>& x) { return x ? std::optional<double>(*x * 1e3) : x; };
    out += fmt::format("  {:<28} {:<8} {:<9} {:>9}  {:<34} {:<32} {:<32} {}\n", m.name,
                       r.held_out ? "held out" : "fit", passes::to_string(m.mode),
                       m.nps ? fmt::format("{}/{}", r.nps, *m.nps) : fmt::format("{}/-", r.nps),
                       figure_cell(r.cycles, m.cycles, r, "cycles"),
                       figure_cell(r.dynamic_j * 1e3, milli(m.dynamic_j), r, "dynamic"),
                       figure_cell(r.total_j * 1e3, milli(m.total_j), r, "total"),
                       figure_cell(r.floor_w * 1e3, milli(m.floor_w), r, "floor"));
  }
  return out;
}

void calibrate(const CalibrateFlags& flags) {
  const study::ChipFitSpec spec = study::load_chip_fit_spec(flags.fit_file);
  const study::ChipFit fit = study::fit_chip(spec);
  std::string out = fmt::format("chip {} fitted to {} rows ({} held out), as {}:\n", spec.chip.name,
                                spec.fit.size(), spec.held_out.size(), spec.fitted_name);
  for (const study::FreeCoefficient& c : spec.free) {
    out += fmt::format("  {:<32} {:.6g} in [{:.6g}, {:.6g}]\n", c.key, fit.values.at(c.key), c.min, c.max);
  }
  out += fmt::format("sum of squared relative errors over the fit rows: {:.4g}\n", fit.sum_squares);
  out += "on the base chip:\n" + residual_table(fit.before);
  out += "on the fitted chip:\n" + residual_table(fit.after);
  fmt::print("{}", out);
  if (!flags.output.empty()) write_output(flags.output, study::fitted_chip_yaml(spec, fit));
}

}  // namespace

void add_calibrate_command(CLI::App& app) {
  auto flags = std::make_shared<CalibrateFlags>();
  CLI::App* command = app.add_subcommand(
      "calibrate",
      "fit chip coefficients to measured CNN frames (FIT.yaml: base chip, free keys with bounds, rows): "
      "prints each row's error before and after, writes the fitted chip with -o");
  command->add_option("fit", flags->fit_file, "the fit file (docs/validation.md, \"Calibrating to silicon\")")
      ->required();
  command->add_option("-o,--output", flags->output, "write the fitted chip YAML here");
  command->callback([flags] { calibrate(*flags); });
}

}  // namespace neurokv::cli
