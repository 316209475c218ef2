#include "study/data_dir.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

namespace neurokv::study {
namespace {

// The install prefix, when this code runs from an installed tree: the binary sits in PREFIX/bin and the
// Python module in PREFIX/lib/python3/dist-packages/neurokv (relative paths set by CMake from the install
// layout). Empty when the loader cannot say.
std::filesystem::path prefix_of_running_program() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&prefix_of_running_program), &info) == 0 || !info.dli_fname)
    return {};
  std::error_code ec;
  const std::filesystem::path object(info.dli_fname);
  // dladdr names a shared object by its path, the executable by argv[0]; /proc/self/exe is the latter's.
  if (object.extension() == ".so") {
    return std::filesystem::weakly_canonical(object.parent_path() / NEUROKV_PREFIX_FROM_MODULE, ec);
  }
  const std::filesystem::path exe = std::filesystem::canonical("/proc/self/exe", ec);
  return ec ? std::filesystem::path()
            : std::filesystem::weakly_canonical(exe.parent_path() / NEUROKV_PREFIX_FROM_BINARY, ec);
}

std::string installed_root() {
  const std::filesystem::path prefix = prefix_of_running_program();
  if (prefix.empty()) return {};
  const std::filesystem::path share = prefix / NEUROKV_DATA_FROM_PREFIX;
  std::error_code ec;
  return std::filesystem::is_directory(share / "models", ec) ? share.string() : std::string();
}

}  // namespace

std::string data_root() {
  if (const char* home = std::getenv("NEUROKV_HOME"); home && *home) return home;
  static const std::string installed = installed_root();
  return installed.empty() ? NEUROKV_SOURCE_DIR : installed;
}

std::string data_dir(const std::string& subdir) { return data_root() + "/" + subdir; }

}  // namespace neurokv::study
