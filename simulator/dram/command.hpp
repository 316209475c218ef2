#pragma once
// The DRAM commands the controller issues, one per command-clock cycle.
#include <array>

namespace neurokv::dram {

enum class Command { kActivate, kPrecharge, kPrechargeAll, kRead, kWrite, kRefresh };
inline constexpr int kCommandKinds = 6;

inline const char* command_name(Command c) {
  switch (c) {
    case Command::kActivate:
      return "ACT";
    case Command::kPrecharge:
      return "PRE";
    case Command::kPrechargeAll:
      return "PREA";
    case Command::kRead:
      return "RD";
    case Command::kWrite:
      return "WR";
    case Command::kRefresh:
      return "REF";
  }
  return "?";
}

inline constexpr std::array<Command, kCommandKinds> kCommands = {Command::kActivate,     Command::kPrecharge,
                                                                 Command::kPrechargeAll, Command::kRead,
                                                                 Command::kWrite,        Command::kRefresh};

}  // namespace neurokv::dram
