#include "study/program_chip.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "compiler/ir/verifier.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "study/data_dir.hpp"

namespace neurokv::study {
namespace {

// What --hw names the recorded chip: its file when it is still there, else its name.
std::string recorded_hw_flag(const ir::ChipInfo& chip) {
  std::error_code ec;
  if (!chip.source.empty() && std::filesystem::is_regular_file(chip.source, ec)) return chip.source;
  return chip.name;
}

std::string compiled_for(const ir::ChipInfo& chip) {
  return chip.source.empty() ? fmt::format("chip {}", chip.name)
                             : fmt::format("chip {} (from {})", chip.name, chip.source);
}

}  // namespace

std::optional<HwConfig> recorded_chip(const ir::Program& program, const DiagnosticSink& now) {
  const ir::ChipInfo& chip = program.chip;
  std::error_code ec;
  std::optional<HwConfig> hw;
  if (!chip.source.empty() && std::filesystem::is_regular_file(chip.source, ec)) {
    hw = parse_hw(read_whole_file(chip.source, "a readable YAML file"), chip.source);
  } else {
    const std::string shipped = data_dir("hwconfigs") + "/" + chip.name + ".yaml";
    if (chip.name.find('/') != std::string::npos || !std::filesystem::is_regular_file(shipped, ec)) return hw;
    hw = load_hw(shipped, data_dir("hwconfigs"));
  }
  if (!chip.hash.empty() && hw->content_hash != chip.hash) {
    now(Diagnostic::warning(
        fmt::format("{} has changed since the program was compiled for it (hash {}, now {}); the costs use "
                    "the file as it is now",
                    hw->file, chip.hash, hw->content_hash)));
  }
  return hw;
}

void check_against_chip(const ir::Program& program, const std::string& program_path, const HwConfig& hw) {
  try {
    ir::check_program(program, program_path, hw);
  } catch (const InputError& e) {
    // A program run on another chip than its own: say which chip it wants. (Its own chip's file, changed
    // since: the problems say what differs.)
    if (ir::verify_against(program, hw).empty() || program.chip.name == hw.name) throw;
    throw InputError(fmt::format(
        "{}\n{}: compiled for {}, not for {}: pass --hw {}, or leave --hw out to use "
        "the chip it records",
        e.what(), program_path, compiled_for(program.chip), hw.name, recorded_hw_flag(program.chip)));
  }
}

HwConfig chip_for_program(const ir::Program& program, const std::string& program_path,
                          const std::string& hw_flag, const DiagnosticSink& now) {
  if (!hw_flag.empty()) {
    const HwConfig hw = load_hw(hw_flag, data_dir("hwconfigs"));
    check_against_chip(program, program_path, hw);
    return hw;
  }
  std::optional<HwConfig> hw = recorded_chip(program, now);
  if (!hw) {
    throw InputError(
        fmt::format("{}: compiled for {}, which is neither at that path nor a shipped chip, "
                    "expected --hw naming its chip YAML",
                    program_path, compiled_for(program.chip)));
  }
  ir::check_program(program, program_path, *hw);
  return *hw;
}

}  // namespace neurokv::study
