#include "compiler/config/config_path.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "compiler/support/error.hpp"

namespace neurokv {

std::string resolve_config(const std::string& name_or_path, const std::string& dir, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_regular_file(name_or_path, ec)) return name_or_path;
  if (fs::is_directory(name_or_path, ec)) {
    throw InputError(
        fmt::format("{}: is a directory, expected a {} YAML file or a name in {}", name_or_path, what, dir));
  }
  const fs::path named = fs::path(dir) / (name_or_path + ".yaml");
  if (name_or_path.find('/') == std::string::npos && fs::is_regular_file(named, ec)) return named.string();
  throw InputError(
      fmt::format("{}: no such {} file or name (also tried {}), expected a path or one of the names "
                  "in {}",
                  name_or_path, what, named.string(), dir));
}

}  // namespace neurokv
