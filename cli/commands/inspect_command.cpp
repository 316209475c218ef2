#include "cli/commands/inspect_command.hpp"

#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "cli/diagnostics.hpp"
#include "cli/output.hpp"
#include "compiler/onnx/onnx_import.hpp"

namespace neurokv::cli {
namespace {

struct InspectOptions {
  std::string model;
  std::string json_path;
};

nlohmann::json inspect_json(const ImportedModel& m) {
  const ModelSpec& s = m.spec;
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t l = 0; l < m.layer_variants.size(); ++l) {
    layers.push_back({{"layer", l},
                      {"variant", m.layer_variants[l].name()},
                      {"kv_heads", m.layer_variants[l].kv_heads()}});
  }
  nlohmann::json diagnostics = nlohmann::json::array();
  for (const Diagnostic& d : m.diagnostics)
    diagnostics.push_back({{"severity", to_string(d.severity)}, {"message", d.message}});
  return {{"schema", "neurokv.inspect/2"},
          {"model", s.name},
          {"file", s.file},
          {"layers", s.layers},
          {"d_model", s.d_model},
          {"heads", s.heads},
          {"head_dim", s.head_dim},
          {"mlp_hidden", s.mlp_hidden},
          {"vocab", s.vocab},
          {"max_positions", s.max_positions},
          {"tied_lm_head", s.tied_lm_head},
          {"parameters", parameter_count(m.weights)},
          {"attention", layers},
          {"diagnostics", diagnostics}};
}

std::string inspect_text(const ImportedModel& m) {
  const ModelSpec& s = m.spec;
  std::string text = fmt::format(
      "model {} ({})\nlayers {}, d_model {}, heads {} × {}, MLP {}, vocab {}, positions {}, LM head {}\n"
      "parameters {}\n",
      s.name, s.file, s.layers, s.d_model, s.heads, s.head_dim, s.mlp_hidden, s.vocab, s.max_positions,
      s.tied_lm_head ? "tied" : "separate", parameter_count(m.weights));
  for (std::size_t l = 0; l < m.layer_variants.size(); ++l) {
    text += fmt::format("layer {}: {} ({} KV heads)\n", l, m.layer_variants[l].name(),
                        m.layer_variants[l].kv_heads());
  }
  return text;
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* command = app.add_subcommand(
      "inspect", "read an ONNX model: shapes, KV heads and attention variant per layer, parameter count");
  command->add_option("model", options->model, "the .onnx file")->required();
  command->add_option("--json", options->json_path, "write the result as JSON to FILE ('-' = stdout)");
  command->callback([options] {
    const ImportedModel model = import_onnx(options->model);
    print_diagnostics(model.diagnostics);
    if (options->json_path != "-") fmt::print("{}", inspect_text(model));
    if (!options->json_path.empty()) write_output(options->json_path, inspect_json(model).dump(2) + "\n");
  });
}

}  // namespace neurokv::cli
