#!/usr/bin/env bash
# A sweep on a real Slurm (docs/sweeps.md, "On a cluster"): starts munge, slurmctld and slurmd on this machine
# (localhost only, in a temporary folder, as root), submits what `neurokv sweep --emit-slurm DIR --shards 3`
# wrote, waits for the array and its merge, and checks the merged results.csv and results.json equal the
# unsharded run's byte for byte; then stops the daemons. First, on any machine, the emitted scripts are checked
# (shell syntax, the array, the shard each task runs, the merge's dependency). Exit 77 (ctest: skipped) when
# Slurm cannot start here, saying why. Usage: test_slurm.sh NEUROKV_BINARY
set -euo pipefail
neurokv=$(realpath "$1")
spec=$(dirname "$(realpath "$0")")/sweep_spec.yaml
skip() { echo "SKIPPED: Slurm cannot run here: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

scripts=$(mktemp -d /tmp/neurokv-slurm-scripts.XXXXXX)
"$neurokv" sweep "$spec" --emit-slurm "$scripts" --shards 3 2>/dev/null
for script in sweep.sbatch merge.sbatch submit.sh; do
  [[ -x $scripts/$script ]] || fail "$script was not written executable"
  bash -n "$scripts/$script" || fail "$script is not valid shell"
done
grep -qx '#SBATCH --array=1-3' "$scripts/sweep.sbatch" || fail "sweep.sbatch: no array of 3 tasks"
grep -q -- '--shard "$k/3"' "$scripts/sweep.sbatch" || fail "sweep.sbatch: a task does not run shard K/3"
grep -q -- "sweep merge '$scripts/shard-1' '$scripts/shard-2' '$scripts/shard-3' --out '$scripts/results'" \
  "$scripts/merge.sbatch" || fail "merge.sbatch does not merge the 3 shards"
grep -q -- '--dependency=afterok:$array' "$scripts/submit.sh" || fail "submit.sh: the merge does not wait"
rm -rf "$scripts"

[[ $(id -u) -eq 0 ]] || skip "the test starts slurmctld, slurmd and munged as root; uid is $(id -u)"
for daemon in munged slurmctld slurmd sbatch squeue sinfo; do
  command -v "$daemon" >/dev/null || skip "$daemon is not installed (Debian: slurm-wlm munge)"
done

work=$(mktemp -d /tmp/neurokv-slurm.XXXXXX)
chmod 755 "$work"
stop() {
  for pid_file in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munge/munged.pid; do
    [[ -s $pid_file ]] && kill "$(cat "$pid_file")" 2>/dev/null || true
  done
  sleep 0.5
  rm -rf "$work"
}
trap stop EXIT

# munge with a key of its own, on a socket of its own: the machine's munge (if any) is left alone.
mkdir -m 700 "$work/munge"
head -c 1024 /dev/urandom >"$work/munge/munge.key"
chmod 600 "$work/munge/munge.key"
munged --force --socket="$work/munge/munge.sock" --key-file="$work/munge/munge.key" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed" \
  || skip "munged did not start: $(tail -n 3 "$work/munge/munged.log" 2>/dev/null)"

# Ports from this process's id, so two runs on one machine do not meet.
port=$((20000 + ($$ % 2000) * 2))
export SLURM_CONF=$work/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=neurokv-test
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
mkdir -p "$work/state" "$work/spool"
slurmctld -i -f "$SLURM_CONF" || skip "slurmctld did not start: $(tail -n 3 "$work/slurmctld.log" 2>/dev/null)"
slurmd -N localhost -f "$SLURM_CONF" || skip "slurmd did not start: $(tail -n 3 "$work/slurmd.log" 2>/dev/null)"
for _ in $(seq 100); do
  sinfo -h -o %t 2>/dev/null | grep -q idle && break
  sleep 0.2
done
sinfo -h -o %t | grep -q idle ||
  skip "the node did not come up: $(sinfo -h 2>&1); slurmd: $(tail -n 3 "$work/slurmd.log" 2>/dev/null)"
echo "Slurm up: $(sinfo -h)"

"$neurokv" sweep "$spec" --out "$work/whole" --jobs 1 --no-plots 2>/dev/null
"$neurokv" sweep "$spec" --emit-slurm "$work/jobs" --shards 3
sh "$work/jobs/submit.sh"
for _ in $(seq 600); do
  [[ -z $(squeue -h 2>/dev/null) && -f $work/jobs/results/results.csv ]] && break
  sleep 0.1
done
[[ -f $work/jobs/results/results.csv ]] || {
  echo "FAIL: no merged results after 60 s; queue: $(squeue 2>&1)"
  tail -n 5 "$work"/jobs/logs/* 2>/dev/null
  exit 1
}
for file in results.csv results.json; do
  cmp "$work/whole/$file" "$work/jobs/results/$file" || { echo "FAIL: merged $file differs"; exit 1; }
done
echo "slurm: 3 array tasks and the merge after them: results equal the unsharded run's byte for byte"
