#include "study/cnn_estimate.hpp"

#include "compiler/driver/cnn_source.hpp"
#include "compiler/driver/compile.hpp"
#include "study/cnn_program.hpp"
#include "study/data_dir.hpp"

namespace neurokv::study {

bool names_cnn_model(const std::string& model) { return is_cnn_source(model, data_dir("models")); }

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

FrameReport estimate_cnn(const StudyOptions& options, passes::MapMode mode, const std::string& frames_file,
                         Diagnostics& diagnostics) {
  const CnnSource source = load_cnn_source(options.model, data_dir("models"));
  diagnostics.insert(diagnostics.end(), source.diagnostics.begin(), source.diagnostics.end());
  const std::optional<CnnEventOptions> events =
      cnn_event_options(options, frames_file, source.weights != nullptr);
  const HwConfig hw = load_hw(options.hw, data_dir("hwconfigs"));
  const CompileResult compiled = compile_cnn(source.spec, hw, passes::to_string(mode));
  if (!events) return estimate_program_frame(compiled.program, source.spec.file, hw);
  const CnnInputs inputs = cnn_inputs(source, compiled.program, *events);
  return measured_frame(compiled.program, source.spec.file, hw, *inputs.weights, inputs.weights_origin,
                        inputs.frames, functional::Workers(events->threads));
}

}  // namespace neurokv::study
