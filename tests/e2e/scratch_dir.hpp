#pragma once
// A test process's own scratch folder under the system's temporary directory, made empty when the test starts
// and removed when it ends: tests that write files (sweeps, journals, outputs) start from nothing and leave
// nothing.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace neurokv::test {

struct ScratchDir {
  std::string root;

  explicit ScratchDir(const std::string& name)
      : root((std::filesystem::temp_directory_path() / ("neurokv-" + name + "-" + std::to_string(getpid())))
                 .string()) {
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
  }
  ~ScratchDir() { std::filesystem::remove_all(root); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // Writes `text` to root/name and returns the path.
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(root + "/" + name) << text;
    return root + "/" + name;
  }
};

}  // namespace neurokv::test
