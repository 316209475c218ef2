#pragma once
// Where the shipped models/ and hwconfigs/ are found (docs/install.md, "Where neurokv finds its data"):
//   1. $NEUROKV_HOME, when set (and not empty): always, so a wrong value fails naming it;
//   2. an installed tree: PREFIX/share/neurokv, PREFIX being where the running program is installed (the
//      neurokv binary in PREFIX/bin, the Python module in PREFIX/lib/python3/dist-packages/neurokv), so an
//      install under any prefix, moved or not, finds its own data;
//   3. the source tree neurokv was built from (a build that was not installed).
#include <string>

namespace neurokv::study {

// The data folder the search order picks (without a trailing slash).
std::string data_root();
// data_root() + "/" + subdir.
std::string data_dir(const std::string& subdir);

}  // namespace neurokv::study
