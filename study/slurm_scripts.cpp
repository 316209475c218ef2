#include "study/slurm_scripts.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "compiler/support/error.hpp"
#include "study/data_dir.hpp"
#include "sweep/plan.hpp"
#include "sweep/spec.hpp"

namespace neurokv::study {
namespace {

// A word for sh: single-quoted, a quote inside written as '\''.
std::string quoted(const std::string& word) {
  std::string text = "'";
  for (char c : word) text += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return text + "'";
}

std::string absolute(const std::string& path) { return std::filesystem::absolute(path).lexically_normal(); }

}  // namespace

SlurmScripts slurm_scripts(const SlurmRequest& r) {
  const sweep::SweepPlan plan =
      sweep::SweepPlan::load(sweep::load_spec(r.spec), data_dir("models"), data_dir("hwconfigs"));
  if (r.shards < 1 || r.shards > plan.size()) {
    throw InputError(fmt::format("--shards {}: {} has {} points, expected 1 to {} shards", r.shards, r.spec,
                                 plan.size(), plan.size()));
  }
  const std::string dir = absolute(r.dir);
  const std::string spec = quoted(absolute(r.spec));
  const std::string binary = quoted(r.binary);
  const std::string logs = quoted(dir + "/logs");  // made by submit.sh; sbatch --output names files in it
  SlurmScripts scripts;
  // Each task writes DIR/shard-K; a task Slurm requeues (a node failure) resumes its shard's journal.
  scripts.sweep = fmt::format(
      "#!/bin/bash\n"
      "# neurokv sweep {spec}: shard K of {n} per array task (written by neurokv sweep --emit-slurm; submit "
      "with submit.sh). Add the #SBATCH lines of your site (partition, time, account) below ours, before the "
      "first command.\n"
      "#SBATCH --job-name=neurokv-sweep\n"
      "#SBATCH --array=1-{n}\n"
      "#SBATCH --cpus-per-task={cpus}\n"
      "set -euo pipefail\n"
      "k=$SLURM_ARRAY_TASK_ID\n"
      "out={dir}/shard-$k\n"
      "resume=()\n"
      "[[ -f $out/journal.csv ]] && resume=(--resume)\n"
      "exec {binary} sweep {spec} --out \"$out\" --shard \"$k/{n}\" --jobs {cpus} --no-plots "
      "\"${{resume[@]}}\"\n",
      fmt::arg("spec", spec), fmt::arg("n", r.shards), fmt::arg("cpus", r.cpus), fmt::arg("dir", quoted(dir)),
      fmt::arg("binary", binary));
  std::string shard_dirs;
  for (int k = 1; k <= r.shards; ++k) shard_dirs += " " + quoted(fmt::format("{}/shard-{}", dir, k));
  scripts.merge = fmt::format(
      "#!/bin/bash\n"
      "# Joins the {n} shards of neurokv sweep {spec} into {results} once every array task has succeeded.\n"
      "#SBATCH --job-name=neurokv-merge\n"
      "set -euo pipefail\n"
      "exec {binary} sweep merge{shards} --out {results}\n",
      fmt::arg("n", r.shards), fmt::arg("spec", spec), fmt::arg("results", quoted(dir + "/results")),
      fmt::arg("binary", binary), fmt::arg("shards", shard_dirs));
  scripts.submit = fmt::format(
      "#!/bin/sh\n"
      "# Submits the sweep's array, then its merge to run once every task has succeeded; prints both job "
      "ids.\n"
      "set -eu\n"
      "mkdir -p {logs}\n"
      "array=$(sbatch --parsable --output={logs}/shard-%a.out {sweep})\n"
      "array=${{array%%;*}}\n"
      "merge=$(sbatch --parsable --dependency=afterok:$array --output={logs}/merge.out {merge})\n"
      "echo \"array $array, merge $merge: results in {results_raw}\"\n",
      fmt::arg("logs", logs), fmt::arg("sweep", quoted(dir + "/sweep.sbatch")),
      fmt::arg("merge", quoted(dir + "/merge.sbatch")), fmt::arg("results_raw", dir + "/results"));
  return scripts;
}

}  // namespace neurokv::study
