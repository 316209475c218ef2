#pragma once
#include <string>

namespace neurokv {

// Resolves `--model paper-300m` or `--hw akida2-like` to a file: an existing path is used as is; otherwise
// `dir/NAME.yaml`. Throws InputError naming both places tried.
std::string resolve_config(const std::string& name_or_path, const std::string& dir, const std::string& what);

}  // namespace neurokv
