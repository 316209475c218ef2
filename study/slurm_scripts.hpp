#pragma once
// `neurokv sweep SPEC --emit-slurm DIR --shards N`: a sweep as Slurm jobs (docs/sweeps.md, "On a cluster"):
// an sbatch array of N tasks, task K running shard K/N into DIR/shard-K, and a merge job that waits for the
// whole array (--dependency=afterok) and joins the shards into DIR/results.
#include <string>

namespace neurokv::study {

struct SlurmScripts {
  std::string sweep;   // DIR/sweep.sbatch: the array
  std::string merge;   // DIR/merge.sbatch
  std::string submit;  // DIR/submit.sh: submits the array, then the merge depending on it
};

struct SlurmRequest {
  std::string spec;  // the sweep spec YAML
  std::string dir;   // where the scripts, the shards' outputs, the logs and the merged results go
  int shards = 1;
  int cpus = 1;        // per task: #SBATCH --cpus-per-task, and each shard's --jobs
  std::string binary;  // the neurokv the jobs run (an absolute path, as the compute nodes see it)
};

// Checks the spec (it loads; InputError as `neurokv sweep` gives) and that 1 <= shards <= its points, then
// writes the scripts' texts, every path absolute and shell-quoted.
SlurmScripts slurm_scripts(const SlurmRequest& request);

}  // namespace neurokv::study
