#include "cli/commands/ir_command.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <string>

#include "cli/diagnostics.hpp"
#include "compiler/config/hw_config.hpp"
#include "compiler/ir/parser.hpp"
#include "compiler/ir/printer.hpp"
#include "compiler/ir/verifier.hpp"
#include "compiler/weights/weights_check.hpp"
#include "compiler/weights/weights_reader.hpp"
#include "study/program_chip.hpp"

namespace neurokv::cli {
namespace {

struct IrOptions {
  std::string file;
  std::string hw;  // empty: do not compare with a chip
};

void verify(const IrOptions& options) {
  const ir::Program program = ir::load_program(options.file);
  if (!options.hw.empty()) {
    study::chip_for_program(program, options.file, options.hw, print_diagnostic);
  } else if (const std::optional<HwConfig> hw = study::recorded_chip(program, print_diagnostic)) {
    study::check_against_chip(program, options.file, *hw);
  } else {
    // Still worth checking on its own; the chip checks need --hw.
    ir::check_program(program, options.file);
    print_diagnostic(Diagnostic::note(
        fmt::format("{}: its chip {} was not found, so it was checked without one; pass --hw "
                    "to check it against a chip",
                    options.file, program.chip.name)));
  }
  std::size_t tiles = 0;
  for (const ir::Op& op : program.ops) tiles += op.tiles.size();
  fmt::print("{}: ok ({} ops, {} tiles, {} routes)\n", options.file, program.ops.size(), tiles,
             program.routes.size());
  // A compiled ONNX model's weights sit beside the program; when they are there, they must match it.
  const std::string weights_path = weights::weights_path_for(options.file);
  if (weights_path != options.file && std::filesystem::exists(weights_path)) {
    const weights::WeightsFile file = weights::load_weights_file(weights_path);
    weights::check_weights(file, program, weights_path);
    fmt::print("{}: ok ({} ops with weights)\n", weights_path, file.ops.size());
  }
}

}  // namespace

void add_ir_command(CLI::App& app) {
  CLI::App* ir = app.add_subcommand("ir", "Event IR programs (.nkir, docs/ir.md): verify or normalise them");
  ir->require_subcommand(1);
  auto options = std::make_shared<IrOptions>();

  CLI::App* verify_command =
      ir->add_subcommand("verify",
                         "Check a program's references, tiles, capacities, routes and schedules, and "
                         "the weights file beside it (FILE.nkw) when there is one");
  verify_command->add_option("FILE", options->file, "the .nkir file")->required();
  verify_command->add_option("--hw", options->hw,
                             "check it against this chip (a name or a path; default: the chip the "
                             "program was compiled for, when it is found)");
  verify_command->callback([options] { verify(*options); });

  CLI::App* print_command = ir->add_subcommand("print", "Parse a program and print it in canonical form");
  print_command->add_option("FILE", options->file, "the .nkir file")->required();
  print_command->callback(
      [options] { fmt::print("{}", ir::print_program(ir::load_program(options->file))); });
}

}  // namespace neurokv::cli
