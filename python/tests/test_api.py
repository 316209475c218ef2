"""Every API result equals the CLI's JSON for the same inputs; errors carry the CLI's messages."""

import os
import threading

import numpy
import pytest

import neurokv
from conftest import BINARY, fixture, without_pass_times

ONNX = fixture("onnx", "q-k=v.onnx")


def test_estimate_equals_cli(cli):
    api = neurokv.estimate("paper-300m", variant="QKV,Q-K=V,GQA-4", context=1024, prompt=64, kv_bits=16)
    assert api == cli.json("estimate", "-m", "paper-300m", "-v", "QKV,Q-K=V,GQA-4", "-n", 1024, "-p", 64,
                           "--kv-bits", 16, "--json", "-")
    assert [v["variant"] for v in api["variants"]] == ["QKV", "Q-K=V", "GQA-4"]


def test_estimate_with_loaded_model_and_chip_equals_cli(cli):
    model, chip = neurokv.load_model("edge-tiny"), neurokv.load_chip("akd1500-like")
    assert (model.name, chip.name) == ("edge-tiny", "akd1500-like")
    api = neurokv.estimate(model, chip, context=256, fuse_kv=False, variant="Q-K=V")
    assert api == cli.json("estimate", "-m", "edge-tiny", "--hw", "akd1500-like", "-n", 256, "--no-fuse-kv",
                           "-v", "Q-K=V", "--json", "-")


def test_estimate_measured_events_equals_cli(cli):
    api = neurokv.estimate(ONNX, context=32, ids=[3, 10, 17, 24])
    assert api == cli.json("estimate", "-m", ONNX, "-n", 32, "--ids", "3,10,17,24", "--json", "-")
    assert api["variants"][0]["events"] == "measured"


def test_estimate_and_run_with_a_weights_file_equal_cli(cli, tmp_path):
    nkir = tmp_path / "cal.nkir"
    cli.run("compile", "-m", ONNX, "-n", 32, "-o", nkir, "--calibration", "40,41,42,43,44,45,46,47")
    nkw = tmp_path / "cal.nkw"
    ids = [5, 6, 7, 8, 9, 10]
    api = neurokv.estimate(ONNX, context=32, ids=ids, weights=nkw)
    assert api == cli.json("estimate", "-m", ONNX, "-n", 32, "--ids", "5,6,7,8,9,10", "--weights", nkw,
                           "--json", "-")
    assert api["variants"][0]["execution"]["loss"] != neurokv.estimate(
        ONNX, context=32, ids=ids)["variants"][0]["execution"]["loss"]  # the stored scales, not the input's
    ran = neurokv.run(ONNX, context=32, ids=ids, weights=nkw, fidelity="analytic", tokens=2)
    assert ran == cli.json("run", "-m", ONNX, "-n", 32, "--ids", "5,6,7,8,9,10", "--weights", nkw,
                           "--fidelity", "analytic", "-t", 2, "--json", "-")


def test_run_equals_cli_at_both_fidelities(cli):
    for fidelity in ("analytic", "transaction"):
        api = neurokv.run("edge-tiny", variant="QKV,MQA", context=64, tokens=2, fidelity=fidelity)
        assert api == cli.json("run", "-m", "edge-tiny", "-v", "QKV,MQA", "-n", 64, "-t", 2, "--fidelity",
                               fidelity, "--json", "-")


def test_compile_equals_cli(cli, tmp_path):
    program = neurokv.compile("paper-300m", "Q-K=V", context=512)
    out = tmp_path / "p.nkir"
    summary = tmp_path / "s.json"
    cli.run("compile", "-m", "paper-300m", "-v", "Q-K=V", "-n", 512, "-o", out, "--json", summary)
    assert str(program) == out.read_text()
    import json
    assert without_pass_times(program.summary) == without_pass_times(json.loads(summary.read_text()))
    assert (program.variant, program.chip, program.context) == ("Q-K=V", "akida2-like", 512)


def test_simulate_equals_cli(cli, tmp_path):
    program = neurokv.compile("edge-tiny", "MQA", context=64)
    path = tmp_path / "mqa.nkir"
    program.save(path)
    expected = cli.json("simulate", path, "-p", 16, "-t", 2, "--json", "-")
    assert neurokv.simulate(program, prompt=16, tokens=2) == expected
    assert neurokv.simulate(path, prompt=16, tokens=2) == expected


def test_exec_equals_cli_with_numpy_logits(cli):
    api = neurokv.exec(ONNX, ids=[3, 10, 17, 24])
    expected = cli.json("exec", "-m", ONNX, "--ids", "3,10,17,24", "--json", "-")
    logits = api.pop("logits")
    assert isinstance(logits, numpy.ndarray) and logits.dtype == numpy.float32
    assert logits.shape == (4, len(expected["logits"]))  # every position, the vocabulary wide
    assert logits[-1].tolist() == expected.pop("logits")
    assert api == expected


def test_sweep_rows_equal_cli_results(cli, tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("model: edge-tiny\nhw: akida2-like\nvariants: [QKV, Q-K=V]\ncontexts: [64, 128]\n"
                    "fidelity: analytic\ngrid:\n  dram.bandwidth_bytes_per_s: [3.2e9, 6.4e9]\n")
    rows = list(neurokv.sweep(spec, jobs=2))
    cli.run("sweep", spec, "--out", tmp_path / "cli", "-j", 2, "--no-plots")
    import json
    document = json.loads((tmp_path / "cli" / "results.json").read_text())
    assert document["schema"] == "neurokv.sweep/2"
    expected = [dict(zip(document["columns"], row)) for row in document["rows"]]
    assert len(rows) == 8 and rows == expected
    # Variant fastest, then context; numbers as numbers, the flags as booleans.
    assert [(r["variant"], r["context"]) for r in rows[:3]] == [("QKV", 64), ("Q-K=V", 64), ("QKV", 128)]
    assert rows[0]["feasible"] is True and rows[0]["decode_energy_j"] > 0


def test_sweep_shards_merge_equal_the_whole(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("model: edge-tiny\nhw: akida2-like\nvariants: all\ncontexts: [64, 128]\n"
                    "fidelity: analytic\n")
    whole = list(neurokv.sweep(spec, tmp_path / "whole", jobs=1))
    for k in (1, 2, 3):
        list(neurokv.sweep(spec, tmp_path / f"shard{k}", shard=f"{k}/3", jobs=1))
    assert neurokv.sweep_merge([tmp_path / f"shard{k}" for k in (3, 1, 2)], tmp_path / "merged") == len(whole)
    assert (tmp_path / "merged" / "results.csv").read_bytes() == (tmp_path / "whole" / "results.csv").read_bytes()


def test_report_to_pandas():
    pandas = pytest.importorskip("pandas")
    report = neurokv.estimate("edge-tiny", variant="QKV,MQA", context=128)
    frame = report.to_pandas()
    assert isinstance(frame, pandas.DataFrame) and list(frame["variant"]) == ["QKV", "MQA"]
    assert list(frame["decode.energy_j"]) == [v["decode"]["energy_j"] for v in report["variants"]]
    layers = report.to_pandas("layers")
    per_layer = [(v["variant"], layer["layer"], layer["energy_j"]) for v in report["variants"]
                 for layer in v["decode"]["layers"]]
    assert list(zip(layers["variant"], layers["layer"], layers["energy_j"])) == per_layer
    assert len(per_layer) == 2 * (neurokv.load_model("edge-tiny").layers + 1)  # layer -1: embeddings, LM head


@pytest.mark.parametrize("call, args", [
    (lambda: neurokv.estimate(variant="QXV"), ["estimate", "-v", "QXV"]),
    (lambda: neurokv.estimate("no-such-model"), ["estimate", "-m", "no-such-model"]),
    (lambda: neurokv.load_model("no-such-model"), ["estimate", "-m", "no-such-model"]),
    (lambda: neurokv.estimate(chip="no-such-chip"), ["estimate", "--hw", "no-such-chip"]),
    (lambda: neurokv.compile("paper-300m", "QKV,MQA"), ["compile", "-v", "QKV,MQA"]),
    (lambda: neurokv.run("edge-tiny", fidelity="analytic", seed=3), ["run", "-m", "edge-tiny", "--fidelity",
                                                                     "analytic", "--seed", "3"]),
    (lambda: neurokv.estimate(variant="QKV", fuse_kv=False), ["estimate", "-v", "QKV", "--no-fuse-kv"]),
    (lambda: neurokv.exec(ONNX), ["exec", "-m", ONNX]),
    (lambda: neurokv.exec("edge-tiny", ids=[1, 2]), ["exec", "-m", "edge-tiny", "--ids", "1,2"]),
    (lambda: neurokv.exec(ONNX, ids="1,x"), ["exec", "-m", ONNX, "--ids", "1,x"]),
])
def test_input_errors_carry_the_cli_messages(cli, call, args):
    with pytest.raises(neurokv.InputError) as raised:
        call()
    assert str(raised.value) == cli.error(*args)


def test_run_errors_carry_the_cli_messages(cli, tmp_path):
    # A trace that cannot be written whole (a file size limit: EFBIG, as a full disk gives ENOSPC) fails the run.
    import subprocess
    import sys
    limit = "ulimit -f 1; trap '' XFSZ; "
    trace = tmp_path / "trace.json"
    done = subprocess.run(["sh", "-c", limit + f"{BINARY} run -m edge-tiny -v QKV -n 32 --trace {trace}"],
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    expected = done.stderr.strip().removeprefix("neurokv: run failed: ")
    code = ("import neurokv\n"
            "try:\n"
            f"    neurokv.run('edge-tiny', variant='QKV', context=32, trace={str(trace)!r})\n"
            "except neurokv.RunError as e:\n"
            "    print(e)\n")
    api = subprocess.run(["sh", "-c", limit + f"{sys.executable} -B -c \"$0\"", code], capture_output=True,
                         text=True)
    assert api.stdout.strip() == expected, api.stderr


def test_two_threads_compiling_at_once_give_what_one_gives():
    variants = ["QKV", "Q-K=V", "GQA-4", "Q-MQA"]
    alone = {v: neurokv.compile("paper-300m", v, context=1024) for v in variants}
    together = {}

    def compile_all(order):
        for v in order:
            together[(v, tuple(order))] = neurokv.compile("paper-300m", v, context=1024)

    threads = [threading.Thread(target=compile_all, args=(order,)) for order in (variants, variants[::-1])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(together) == 8
    for (v, _), program in together.items():
        assert str(program) == str(alone[v])
        assert without_pass_times(program.summary) == without_pass_times(alone[v].summary)


def test_compile_releases_the_gil():
    # While a compile runs on another thread, this one keeps running Python: no pause in it comes near the
    # compile's length (holding the GIL, the compile would be one pause as long as itself).
    import time
    span = {}

    def work():
        span["start"] = time.monotonic()
        neurokv.compile("paper-1.2b", "QKV")
        span["end"] = time.monotonic()

    worker = threading.Thread(target=work)
    ticks = [time.monotonic()]
    worker.start()
    while worker.is_alive():
        ticks.append(time.monotonic())
    worker.join()
    during = [t for t in ticks if span["start"] <= t <= span["end"]]
    pauses = numpy.diff([span["start"], *during, span["end"]])
    assert pauses.max() < 0.5 * (span["end"] - span["start"]), (pauses.max(), span)


def test_data_root_is_the_source_tree_in_a_build():
    assert os.path.samefile(neurokv.data_root(), os.environ.get("NEUROKV_HOME") or os.path.join(
        os.path.dirname(__file__), "..", ".."))


def test_warnings_and_notes_are_the_clis(cli, caplog):
    # The CLI's `neurokv: warning: ...` lines are NeurokvWarnings, its notes records of the `neurokv` logger.
    done = cli.run("estimate", "-m", "edge-tiny", "-v", "qkv,mqa", "-n", 1024)
    said = [line.split(": ", 2) for line in done.stderr.splitlines() if line.startswith("neurokv: ")]
    with caplog.at_level("INFO", logger="neurokv"), pytest.warns(neurokv.NeurokvWarning) as warned:
        neurokv.estimate("edge-tiny", variant="qkv,mqa", context=1024)
    assert sorted(str(w.message) for w in warned) == sorted(m for _, s, m in said if s == "warning")
    assert [r.getMessage() for r in caplog.records] == [m for _, s, m in said if s == "note"]
    assert any("learned positions" in str(w.message) for w in warned)


def test_ctrl_c_stops_a_sweep_that_resumes(tmp_path):
    # Ctrl-C (simulated on the main thread once the first point is journaled) during a sweep: KeyboardInterrupt
    # soon after, the finished points journaled, no results; resume=True finishes it.
    import _thread
    import time
    spec = tmp_path / "spec.yaml"
    spec.write_text("model: edge-tiny\nhw: akida2-like\nvariants: all\ncontexts: [64, 128, 256, 512]\n"
                    "fidelity: transaction\nprompt: 16\ntokens: 2\n")
    out = tmp_path / "out"
    journal = out / "journal.csv"
    interrupted = {}

    def interrupt_after_the_first_point():
        while not (journal.exists() and len(journal.read_text().splitlines()) > 1):
            time.sleep(0.01)
        interrupted["at"] = time.monotonic()
        _thread.interrupt_main()

    threading.Thread(target=interrupt_after_the_first_point, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        neurokv.sweep(spec, out, jobs=1)
    assert time.monotonic() - interrupted["at"] < 5  # the point in flight finishes, no new one starts
    assert not (out / "results.json").exists()
    rows = list(neurokv.sweep(spec, out, jobs=1, resume=True))
    assert [r["point"] for r in rows] == list(range(32))


def test_run_and_simulate_decode_only_equal_cli(cli, tmp_path):
    api = neurokv.run("edge-tiny", variant="MQA", context=64, tokens=2, decode_only=True)
    assert api == cli.json("run", "-m", "edge-tiny", "-v", "MQA", "-n", 64, "-t", 2, "--decode-only", "--json", "-")
    assert api["decode_only"] and "prefill" not in api["variants"][0]
    program = neurokv.compile("edge-tiny", "MQA", context=64)
    path = tmp_path / "mqa.nkir"
    program.save(path)
    expected = cli.json("simulate", path, "-p", 16, "-t", 2, "--decode-only", "--json", "-")
    assert neurokv.simulate(program, prompt=16, tokens=2, decode_only=True) == expected
    assert "prefill" not in expected["variants"][0]
