"""A sweep's shards on Dask workers (docs/sweeps.md, "On a cluster"): client.map over the shards through the
Python API, then the merge; the merged results equal the unsharded run's byte for byte."""

import os

import pytest

import neurokv
from conftest import SOURCE

SPEC = os.path.join(SOURCE, "tests", "cluster", "sweep_spec.yaml")


def run_shard(spec, out, shard):
    neurokv.sweep(spec, out, shard=shard, jobs=1)
    return out


def test_dask_shards_merge_to_the_whole(tmp_path):
    distributed = pytest.importorskip("distributed", reason="python3-distributed is not installed")
    list(neurokv.sweep(SPEC, tmp_path / "whole", jobs=1))
    # Worker processes, as on a cluster; they import neurokv from the same PYTHONPATH.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        shards = [f"{k}/3" for k in (1, 2, 3)]
        outs = [str(tmp_path / f"shard-{k}") for k in (1, 2, 3)]
        done = client.gather(client.map(run_shard, [SPEC] * 3, outs, shards, pure=False))
    assert done == outs
    assert neurokv.sweep_merge(done, tmp_path / "merged") == 48
    for name in ("results.csv", "results.json"):
        assert (tmp_path / "merged" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
