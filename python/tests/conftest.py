"""What the Python API tests share: the built CLI to compare with (ctest sets NEUROKV_BINARY and PYTHONPATH;
python/CMakeLists.txt)."""

import json
import os
import subprocess

import pytest

BINARY = os.environ.get("NEUROKV_BINARY", "")
SOURCE = os.environ.get("NEUROKV_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


class Cli:
    """Runs the neurokv binary; `json(...)` parses what `--json -` wrote, `error(...)` is the message of a
    failed run without its `neurokv: error: ` prefix."""

    def run(self, *args, check=True):
        done = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True,
                              env={**os.environ, "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE": "1"})
        if check and done.returncode != 0:
            raise AssertionError(f"neurokv {' '.join(map(str, args))}: exit {done.returncode}: {done.stderr}")
        return done

    def json(self, *args):
        return json.loads(self.run(*args).stdout)

    def error(self, *args, code=2):
        done = self.run(*args, check=False)
        assert done.returncode == code, done.stderr
        lines = [line for line in done.stderr.splitlines() if line.startswith("neurokv: ")]
        prefix = "neurokv: error: " if code == 2 else "neurokv: run failed: "
        errors = [line[len(prefix):] for line in lines if line.startswith(prefix)]
        assert errors, done.stderr
        return "\n".join(errors)


@pytest.fixture(scope="session")
def cli():
    if not BINARY:
        pytest.skip("NEUROKV_BINARY is not set: run these tests through ctest")
    return Cli()


def fixture(*parts):
    return os.path.join(SOURCE, "tests", "fixtures", *parts)


def without_pass_times(summary):
    """A compile summary without its pass times, which differ from run to run."""
    return {**summary, "passes": [p["name"] for p in summary["passes"]]}
