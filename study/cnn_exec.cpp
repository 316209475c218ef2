#include "study/cnn_exec.hpp"

#include "compiler/driver/cnn_source.hpp"
#include "compiler/driver/compile.hpp"
#include "study/data_dir.hpp"

namespace neurokv::study {

CnnModelRun execute_cnn_model(const StudyOptions& options, passes::MapMode mode,
                              const std::string& frames_file, functional::Numerics numerics,
                              Diagnostics& diagnostics) {
  const CnnSource source = load_cnn_source(options.model, data_dir("models"));
  diagnostics.insert(diagnostics.end(), source.diagnostics.begin(), source.diagnostics.end());
  const CnnEventOptions events = cnn_exec_options(options, frames_file, source.weights != nullptr);
  const HwConfig hw = load_hw(options.hw, data_dir("hwconfigs"));
  CnnModelRun run{compile_cnn(source.spec, hw, passes::to_string(mode)).program, "", "", {}, {}};
  const CnnInputs inputs = cnn_inputs(source, run.program, events);
  const functional::Workers workers(events.threads);
  run.weights = inputs.weights_origin;
  run.frames = inputs.frames.source;
  run.reference = functional::execute_cnn(run.program, *inputs.weights, inputs.frames,
                                          functional::Numerics::Float, workers, inputs.weights_origin);
  run.execution = numerics == functional::Numerics::Float
                      ? run.reference
                      : functional::execute_cnn_int(run.program, *inputs.weights, inputs.frames,
                                                    run.reference, workers, inputs.weights_origin);
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
