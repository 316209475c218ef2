#pragma once
// Renders a Report: JSON ("schema": "neurokv.report/1"), CSV (one row per variant) and a terminal table.
// Rendering is pure: callers decide where the text goes.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "simulator/report.hpp"

namespace neurokv {

nlohmann::json report_json(const Report& report);
nlohmann::json phase_json(const PhaseReport& phase);

// CSV columns shared by reports and sweeps, and one variant's values in the same order.
std::vector<std::string> report_csv_columns();
std::size_t report_csv_column_count();
std::vector<std::string> report_csv_values(const Report& report, const VariantReport& variant);
// The same values appended to `values`.
void append_report_csv_values(const Report& report, const VariantReport& variant,
                              std::vector<std::string>& values);
std::string report_csv(const Report& report);

std::string report_table(const Report& report);
// Measured densities by layer: one row per layer, one column per site.
std::string layer_density_table(const std::vector<LayerDensities>& layers);

}  // namespace neurokv
