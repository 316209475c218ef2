#pragma once
// "--modle": which flag was probably meant, for CLI11's "argument was not expected" error.
#include <CLI/CLI.hpp>
#include <string>

namespace neurokv::cli {

// " (did you mean '--model'?)" when an argument left over by the parse of `app` (or of the subcommand it
// ran) is near one of that command's flags, else "".
std::string flag_suggestion(const CLI::App& app);

}  // namespace neurokv::cli
