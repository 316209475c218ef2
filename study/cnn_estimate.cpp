#include "study/cnn_estimate.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/driver/compile.hpp"
#include "compiler/support/error.hpp"
#include "simulator/functional/synthetic_weights.hpp"
#include "study/cnn_program.hpp"
#include "study/data_dir.hpp"

namespace neurokv::study {

std::optional<CnnEventOptions> cnn_event_options(const StudyOptions& o, const std::string& frames_file) {
  const bool weights = o.synthetic_seed >= 0;
  if (o.events == "measured" && !weights) {
    throw InputError(fmt::format(
        "--events measured: model {} has no weights (a CNN YAML), expected --synthetic-weights SEED",
        o.model));
  }
  if (o.events == "assumed" || !weights) {
    const char* why = o.events == "assumed" ? "--events assumed executes nothing"
                                            : "nothing is executed without --synthetic-weights SEED";
    if (weights) throw InputError(fmt::format("--synthetic-weights: {}, expected one or the other", why));
    if (!frames_file.empty()) throw InputError(fmt::format("--frames: {}, so it would be ignored", why));
    if (o.threads != 0) throw InputError(fmt::format("--threads: {}, so it would be ignored", why));
    return std::nullopt;
  }
  return CnnEventOptions{static_cast<uint64_t>(o.synthetic_seed), frames_file,
                         execution_workers(o).threads()};
}

bool names_cnn_model(const std::string& model) {
  if (std::filesystem::path(model).extension() == ".onnx") return false;
  return is_cnn_model(model, data_dir("models"));
}

ir::Program with_measured_densities(const ir::Program& program, const functional::CnnExecution& execution) {
  ir::Program measured = program;
  for (std::size_t i = 0; i < measured.ops.size(); ++i) {
    const functional::CnnLayerEvents& layer = execution.layers.at(i);
    if (!layer.on_hrc) measured.ops[i].input_density = layer.density();
  }
  return measured;
}

FrameReport measured_frame(const ir::Program& program, const std::string& file, const HwConfig& hw,
                           const ModelWeights& weights, const std::string& weights_origin,
                           const functional::CnnFrames& frames, const functional::Workers& workers) {
  const functional::Numerics numerics = functional::Numerics::Int;
  const functional::CnnExecution execution =
      functional::execute_cnn(program, weights, frames, numerics, workers, weights_origin);
  FrameReport report = estimate_program_frame(with_measured_densities(program, execution), file, hw);
  report.measured = FrameEventsSource{weights_origin, frames.source, functional::to_string(numerics)};
  return report;
}

namespace {

// The synthetic weights and the frames a CNN YAML executes with.
struct CnnInputs {
  ModelWeights weights;
  std::string weights_origin;
  functional::CnnFrames frames;
};

CnnInputs cnn_inputs(const CnnSpec& spec, const ir::Program& program, const CnnEventOptions& events) {
  return {functional::synthetic_weights(program, events.synthetic_seed),
          fmt::format("synthetic weights (He-normal, seed {})", events.synthetic_seed),
          events.frames_file.empty()
              ? functional::synthetic_frames(spec.input, kSyntheticFrames, events.synthetic_seed)
              : functional::read_frames(events.frames_file, spec.input)};
}

}  // namespace

FrameReport estimate_cnn(const std::string& model, const std::string& hw_name, passes::MapMode mode,
                         const std::optional<CnnEventOptions>& events) {
  const CnnSpec spec = load_cnn_model(model, data_dir("models"));
  const HwConfig hw = load_hw(hw_name, data_dir("hwconfigs"));
  const CompileResult compiled = compile_cnn(spec, hw, passes::to_string(mode));
  if (!events) return estimate_program_frame(compiled.program, spec.file, hw);
  const CnnInputs inputs = cnn_inputs(spec, compiled.program, *events);
  return measured_frame(compiled.program, spec.file, hw, inputs.weights, inputs.weights_origin, inputs.frames,
                        functional::Workers(events->threads));
}

CnnModelRun execute_cnn_model(const std::string& model, const std::string& hw_name, passes::MapMode mode,
                              const CnnEventOptions& events, functional::Numerics numerics) {
  const CnnSpec spec = load_cnn_model(model, data_dir("models"));
  const HwConfig hw = load_hw(hw_name, data_dir("hwconfigs"));
  CnnModelRun run{compile_cnn(spec, hw, passes::to_string(mode)).program, "", "", {}, {}};
  const CnnInputs inputs = cnn_inputs(spec, run.program, events);
  const functional::Workers workers(events.threads);
  run.weights = inputs.weights_origin;
  run.frames = inputs.frames.source;
  run.execution = functional::execute_cnn(run.program, inputs.weights, inputs.frames, numerics, workers,
                                          inputs.weights_origin);
  run.reference = numerics == functional::Numerics::Float
                      ? run.execution
                      : functional::execute_cnn(run.program, inputs.weights, inputs.frames,
                                                functional::Numerics::Float, workers, inputs.weights_origin);
  return run;
}

nlohmann::json cnn_run_json(const CnnModelRun& run) {
  using nlohmann::json;
  json layers = json::array();
  for (const functional::CnnLayerEvents& layer : run.execution.layers) {
    json tiles = json::array();
    for (const functional::CnnTileEvents& t : layer.tiles) {
      tiles.push_back({{"out_rows", {t.out_row_begin, t.out_row_end}},
                       {"read_rows", {t.read_row_begin, t.read_row_end}},
                       {"channels", {t.channel_begin, t.channel_end}},
                       {"band_events", t.band_events},
                       {"halo_events", t.halo_events}});
    }
    layers.push_back({{"name", layer.name},
                      {"on_hrc", layer.on_hrc},
                      {"offered", layer.offered},
                      {"events", layer.events},
                      {"density", layer.density()},
                      {"tiles", tiles}});
  }
  json top = json::array(), float_top = json::array();
  for (int64_t f = 0; f < run.execution.frames; ++f) {
    top.push_back(run.execution.top_class(f));
    float_top.push_back(run.reference.top_class(f));
  }
  return {{"schema", "neurokv.cnn_exec/1"},
          {"model", run.program.model.name},
          {"chip", run.program.chip.name},
          {"map_mode", run.program.model.map_mode},
          {"numerics", functional::to_string(run.execution.numerics)},
          {"weights", run.weights},
          {"frames", run.frames},
          {"frame_count", run.execution.frames},
          {"layers", layers},
          {"top_class", top},
          {"float_top_class", float_top}};
}

}  // namespace neurokv::study
