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
    nlohmann::json layer = {{"layer", l},
                            {"variant", m.layer_variants[l].name()},
                            {"heads", s.heads},
                            {"kv_heads", m.layer_variants[l].kv_heads()},
                            {"head_dim", s.head_dim},
                            {"qkv", m.qkv_projections[l]},
                            {"norm", to_string(s.norm)},
                            {"positions", to_string(s.positions)},
                            {"mlp", to_string(s.mlp)}};
    if (s.positions == PositionKind::Rope) layer["rope_theta"] = s.rope.theta;
    layers.push_back(std::move(layer));
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
  const std::string positions =
      s.positions == PositionKind::Rope ? fmt::format("RoPE θ {}", s.rope.theta) : "learned positions";
  for (std::size_t l = 0; l < m.layer_variants.size(); ++l) {
    text += fmt::format("layer {}: {} ({} heads, {} KV heads, head_dim {}), projections {}, {}, {}, MLP {}\n",
                        l, m.layer_variants[l].name(), s.heads, m.layer_variants[l].kv_heads(), s.head_dim,
                        m.qkv_projections[l], to_string(s.norm), positions, to_string(s.mlp));
  }
  return text;
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* command = app.add_subcommand("inspect",
                                         "read an ONNX model: shapes; per layer the attention variant, "
                                         "heads, KV heads, head_dim, QKV form, norm, "
                                         "positions and MLP; parameter count");
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
