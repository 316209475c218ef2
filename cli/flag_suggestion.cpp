#include "cli/flag_suggestion.hpp"

#include "compiler/support/nearest_name.hpp"

namespace neurokv::cli {
namespace {

// The deepest subcommand the command line selected: its flags are the ones a typo was meant for.
const CLI::App* selected_command(const CLI::App& app) {
  const CLI::App* command = &app;
  for (bool deeper = true; deeper;) {
    deeper = false;
    for (const CLI::App* sub : command->get_subcommands()) {
      command = sub;
      deeper = true;
      break;
    }
  }
  return command;
}

std::vector<std::string> flag_names(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
  }
  return names;
}

}  // namespace

std::string flag_suggestion(const CLI::App& app) {
  const CLI::App* command = selected_command(app);
  const std::vector<std::string> names = flag_names(*command);
  for (const std::string& argument : command->remaining()) {
    if (argument.rfind("--", 0) != 0) continue;
    // "--modle=paper-300m" is compared without its value.
    const std::string flag = argument.substr(0, argument.find('='));
    const std::string suggestion = did_you_mean(flag, names);
    if (!suggestion.empty()) return suggestion;
  }
  return "";
}

}  // namespace neurokv::cli
