#include "study/simulate.hpp"

#include <fmt/format.h>

#include "compiler/config/extrapolation.hpp"
#include "compiler/support/error.hpp"
#include "study/program_chip.hpp"

namespace neurokv::study {

Simulation simulate(const ir::Program& program, const std::string& program_path, const std::string& hw_name,
                    const EvaluateOptions& options, const DiagnosticSink& now) {
  if (program.model.network == ir::Network::Cnn) {
    throw InputError(fmt::format(
        "{}: a CNN program (network=cnn), which simulate does not run yet; expected a transformer program "
        "(a CNN's frame is costed by neurokv estimate --model {})",
        program_path, program.model.name));
  }
  const HwConfig hw = chip_for_program(program, program_path, hw_name, now);
  Simulation simulation{report_for(program, hw, options), {}};
  simulation.report.variants.push_back(evaluate_program(program, hw, options));
  const std::string warning =
      extrapolation_warning(program.model.name, program.model.max_positions, program.context);
  if (!warning.empty()) simulation.notes.push_back(Diagnostic::warning(warning));
  return simulation;
}

}  // namespace neurokv::study
