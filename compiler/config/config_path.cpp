#include "compiler/config/config_path.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "compiler/support/error.hpp"
#include "compiler/support/nearest_name.hpp"

namespace neurokv {
namespace {

// The names `dir` ships: its *.yaml files without the suffix, sorted.
std::vector<std::string> shipped_names(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".yaml") names.push_back(it->path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::string resolve_config(const std::string& name_or_path, const std::string& dir, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_regular_file(name_or_path, ec)) return name_or_path;
  if (fs::is_directory(name_or_path, ec)) {
    throw InputError(
        fmt::format("{}: is a directory, expected a {} YAML file or a name in {}", name_or_path, what, dir));
  }
  // "paper-300m" and "paper-300m.yaml" both name models/paper-300m.yaml.
  const bool has_suffix = fs::path(name_or_path).extension() == ".yaml";
  const fs::path named = fs::path(dir) / (has_suffix ? name_or_path : name_or_path + ".yaml");
  const bool is_name = name_or_path.find('/') == std::string::npos;
  if (is_name && fs::is_regular_file(named, ec)) return named.string();
  const std::vector<std::string> names = shipped_names(dir);
  const std::string stem = has_suffix ? fs::path(name_or_path).stem().string() : name_or_path;
  throw InputError(
      fmt::format("{}: no such {} file or name{}{}, expected a path or one of the names in {}: {}",
                  name_or_path, what, is_name ? fmt::format(" (also tried {})", named.string()) : "",
                  is_name ? did_you_mean(stem, names) : "", dir, fmt::join(names, ", ")));
}

}  // namespace neurokv
