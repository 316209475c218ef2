// Estimates one variant through the installed libraries, finding the shipped model and chip by name: prints
// the variant and its decode energy per token, as `neurokv estimate` would compute it.
#include <cstdio>

#include "simulator/report_render.hpp"
#include "study/study.hpp"

int main() {
  neurokv::study::StudyOptions options;
  options.variants = "Q-K=V";
  options.context = 1024;
  neurokv::study::Study study = neurokv::study::load_study(options, [](const neurokv::Diagnostic&) {});
  const neurokv::Report report =
      neurokv::study::estimate(study, options, 0, [](const neurokv::Diagnostic&) {});
  std::printf("%s\n", neurokv::report_json(report)["variants"][0]["variant"].get<std::string>().c_str());
  return 0;
}
