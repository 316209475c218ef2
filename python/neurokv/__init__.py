"""neurokv from Python: what each transformer attention variant costs on an event-driven, Akida-like chip.

A thin layer over neurokv's C++ libraries, the same functions the ``neurokv`` command calls: every report is
the JSON the CLI writes (``--json``) as a dict, every error the CLI's message. Keyword arguments are the CLI's
flags (``variant`` is ``--variant``, ``kv_bits`` is ``--kv-bits``); messages name the flag. See docs/python.md.

    >>> import neurokv
    >>> report = neurokv.estimate("paper-300m", variant="QKV,Q-K=V", context=1024)
    >>> [v["variant"] for v in report["variants"]]
    ['QKV', 'Q-K=V']

Notes the CLI prints on stderr go to the ``neurokv`` logger (INFO); its warnings are issued as
``neurokv.NeurokvWarning``. Compiling, simulating, executing and sweeping release the GIL.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import warnings
from typing import Iterator, Optional, Union

from . import _neurokv
from ._neurokv import Chip, InputError, Model, RunError

__all__ = [
    "Chip", "InputError", "Model", "NeurokvWarning", "Program", "Report", "RunError", "compile", "data_root",
    "estimate", "exec", "load_chip", "load_model", "run", "simulate", "sweep", "sweep_merge",
]

_log = logging.getLogger("neurokv")


class NeurokvWarning(UserWarning):
    """A figure or a model that may not be what was meant (the CLI's ``neurokv: warning: ...``)."""


def _say(diagnostics, stacklevel: int = 3) -> None:
    """Issues the C++ side's diagnostics; `stacklevel` points a warning at the user's call (3: from an API
    function, 4: from a helper of one)."""
    for severity, message in diagnostics:
        if severity == "warning":
            warnings.warn(message, NeurokvWarning, stacklevel=stacklevel)
        else:
            _log.info("%s", message)


class Report(dict):
    """A report: the dict of the CLI's ``--json`` (schema ``neurokv.report/1``)."""

    def to_pandas(self, table: str = "variants"):
        """The report as a pandas DataFrame (needs pandas). ``"variants"``: one row per variant, the nested
        figures flattened to dotted columns (``decode.energy_j``); ``"layers"``: one row per variant and
        decoder layer (layer -1: the ops outside the blocks, embeddings, final norm, LM head), from
        ``decode.layers`` (cycles and energy of one decode step)."""
        import pandas

        if table == "variants":
            return pandas.json_normalize([{k: v for k, v in variant.items() if k != "decode"} |
                                          {"decode": {k: v for k, v in variant["decode"].items() if k != "layers"}}
                                          for variant in self["variants"]])
        if table == "layers":
            return pandas.json_normalize(self["variants"], record_path=["decode", "layers"], meta=["variant"])
        raise InputError(f"table: '{table}', expected variants or layers")


def data_root() -> str:
    """The folder models and chips are looked up in by name (docs/install.md: ``$NEUROKV_HOME``, the install
    prefix's ``share/neurokv``, or the source tree)."""
    return _neurokv.data_root()


def load_model(model: str) -> Model:
    """Loads a model: a name in ``models/`` (``paper-300m``), a model YAML path, or an ONNX file."""
    loaded = _neurokv.load_model(os.fspath(model))
    _say(loaded.diagnostics)
    return loaded


def load_chip(chip: str) -> Chip:
    """Loads a chip: a name in ``hwconfigs/`` (``akida2-like``) or a chip YAML path."""
    return _neurokv.load_chip(os.fspath(chip))


def _model(model) -> Model:
    return model if isinstance(model, Model) else load_model(model)


def _chip(chip) -> Chip:
    return chip if isinstance(chip, Chip) else load_chip(chip)


def _study(variant, context, weight_bits, act_bits, kv_bits, fuse_kv, ids=None, text=None, events="auto",
           synthetic_weights=None, default_variants="all", weights=None) -> _neurokv.StudyOptions:
    options = _neurokv.StudyOptions()
    options.variants = variant or ""
    options.default_variants = default_variants
    options.context = context
    options.weight_bits = weight_bits or 0
    options.act_bits = act_bits or 0
    options.kv_bits = kv_bits or 0
    options.no_fuse_kv = not fuse_kv
    options.ids = _ids(ids)
    options.text = os.fspath(text) if text is not None else ""
    options.events = events
    options.synthetic_seed = -1 if synthetic_weights is None else synthetic_weights
    options.weights_file = os.fspath(weights) if weights is not None else ""
    return options


def _ids(ids) -> str:
    """Token ids as the CLI's --ids takes them: a list of ints, a '1,2,3' string, or a file path."""
    if ids is None:
        return ""
    if isinstance(ids, (str, os.PathLike)):
        return os.fspath(ids)
    return ",".join(str(int(i)) for i in ids)


def _report(result) -> Report:
    _say(result.diagnostics, stacklevel=4)
    return Report(json.loads(result.json))


ModelArg = Union[str, os.PathLike, Model]
ChipArg = Union[str, os.PathLike, Chip]


def estimate(model: ModelArg = "paper-300m", chip: ChipArg = "akida2-like", *, variant: Optional[str] = None,
             context: int = 2048, prompt: int = 0, weight_bits: Optional[int] = None,
             act_bits: Optional[int] = None, kv_bits: Optional[int] = None, fuse_kv: bool = True, ids=None,
             text=None, events: str = "auto", synthetic_weights: Optional[int] = None, weights=None) -> Report:
    """``neurokv estimate``: each variant costed by the analytic estimator at one decode step (and a prefill of
    ``prompt`` tokens). ``variant``: a name, a comma list or ``"all"`` (default: all for a YAML model, its own
    for ONNX). With ``ids`` or ``text`` the events are measured by executing the model, with ``weights`` (a
    compiled program's ``.nkw``, ``--weights``) its codes and stored activation scales."""
    options = _study(variant, context, weight_bits, act_bits, kv_bits, fuse_kv, ids, text, events,
                     synthetic_weights, weights=weights)
    return _report(_neurokv.estimate(_model(model), _chip(chip), options, prompt))


def run(model: ModelArg = "paper-300m", chip: ChipArg = "akida2-like", *, variant: Optional[str] = None,
        context: int = 2048, fidelity: str = "transaction", prompt: Optional[int] = None, tokens: int = 1,
        decode_only: bool = False, seed: Optional[int] = None, trace=None, vcd=None, weight_bits: Optional[int] = None,
        act_bits: Optional[int] = None, kv_bits: Optional[int] = None, fuse_kv: bool = True, ids=None, text=None,
        events: str = "auto", synthetic_weights: Optional[int] = None, weights=None) -> Report:
    """``neurokv run``: each variant compiled and run, prefill of ``prompt`` tokens (default: context - tokens)
    then ``tokens`` decode steps, on the SystemC chip model (``fidelity="transaction"``), the same on the flit-level
    NoC and the DRAM command model (``"cycle"``) or the closed form (``"analytic"``); ``decode_only``: the prompt's
    KV rows taken as written and its prefill not run (``--decode-only``). ``ids``, ``text`` and ``weights`` as for
    :func:`estimate`."""
    options = _study(variant, context, weight_bits, act_bits, kv_bits, fuse_kv, ids, text, events,
                     synthetic_weights, weights=weights)
    run_options = _neurokv.RunOptions()
    run_options.fidelity = fidelity
    run_options.prompt = -1 if prompt is None else prompt
    run_options.tokens = tokens
    run_options.decode_only = decode_only
    run_options.seed_given = seed is not None
    run_options.seed = 1 if seed is None else seed
    run_options.trace_path = os.fspath(trace) if trace is not None else ""
    run_options.vcd_path = os.fspath(vcd) if vcd is not None else ""
    return _report(_neurokv.run(_model(model), _chip(chip), options, run_options))


class Program:
    """A compiled program (Event IR). ``str(program)`` is its ``.nkir`` text; ``summary`` the dict of
    ``neurokv compile --json``."""

    def __init__(self, compiled, where: str):
        self._program = compiled.program
        self.summary = json.loads(compiled.summary)
        self._where = where  # what messages about it name

    @property
    def variant(self) -> str:
        return self._program.variant

    @property
    def chip(self) -> str:
        return self._program.chip

    @property
    def context(self) -> int:
        return self._program.context

    def __str__(self) -> str:
        return self._program.text()

    def __repr__(self) -> str:
        return f"<neurokv.Program {self.variant} for {self.chip}, context {self.context}>"

    def save(self, path) -> None:
        """Writes the ``.nkir`` text to ``path`` (``neurokv simulate`` and ``ir verify`` read it)."""
        with open(path, "w", encoding="utf-8") as out:
            out.write(str(self))


def compile(model: ModelArg = "paper-300m", variant: Optional[str] = None, chip: ChipArg = "akida2-like", *,
            context: int = 2048, weight_bits: Optional[int] = None, act_bits: Optional[int] = None,
            kv_bits: Optional[int] = None, fuse_kv: bool = True) -> Program:
    """``neurokv compile``: one variant of a model lowered for a chip (default variant: QKV for a YAML model,
    its own for ONNX)."""
    options = _study(variant, context, weight_bits, act_bits, kv_bits, fuse_kv, default_variants="QKV")
    compiled = _neurokv.compile(_model(model), _chip(chip), options)
    _say(compiled.diagnostics)
    return Program(compiled, f"<compiled {compiled.program.variant}>")


def simulate(program: Union[Program, str, os.PathLike], chip: Optional[ChipArg] = None, *, prompt: int = 128,
             tokens: int = 1, decode_only: bool = False, seed: int = 1, trace=None, vcd=None) -> Report:
    """``neurokv simulate``: a compiled program (a ``Program`` or a ``.nkir`` path) on the SystemC chip model;
    ``chip`` (a name or a path) defaults to the one the program records; ``decode_only`` as for :func:`run`."""
    if isinstance(program, Program):
        ir_program, where = program._program, program._where
    else:
        where = os.fspath(program)
        ir_program = _neurokv.load_program(where)
    options = _neurokv.SimulateOptions()
    options.prompt = prompt
    options.tokens = tokens
    options.decode_only = decode_only
    options.seed = seed
    options.trace_path = os.fspath(trace) if trace is not None else ""
    options.vcd_path = os.fspath(vcd) if vcd is not None else ""
    hw = "" if chip is None else (chip.source if isinstance(chip, Chip) else os.fspath(chip))
    return _report(_neurokv.simulate(ir_program, where, hw, options))


def exec(model: ModelArg, *, ids=None, text=None, variant: Optional[str] = None, chip: ChipArg = "akida2-like",
         context: int = 2048, numerics: str = "int", calibration=None, windows: bool = False,
         weight_bits: Optional[int] = None, act_bits: Optional[int] = None, kv_bits: Optional[int] = None,
         synthetic_weights: Optional[int] = None, weights=None) -> dict:
    """``neurokv exec``: the model's compiled program run on token ids (``ids``: a list, '1,2,3' or a file;
    ``text``: a file, each byte a token) with its real weights (ONNX) or ``synthetic_weights=SEED``;
    ``weights``: the compiled program's ``.nkw`` (``exec --weights``), its codes and stored activation scales.

    Returns the dict of ``neurokv exec --json`` (schema ``neurokv.exec/1``), except that ``logits`` is a numpy
    float32 array of shape (tokens, vocab): every input position's, where the CLI's JSON holds the last
    position's (``result["logits"][-1]``)."""
    options = _neurokv.ExecOptions()
    study = _study(variant, context, weight_bits, act_bits, kv_bits, True, synthetic_weights=synthetic_weights,
                   default_variants="QKV")
    study.model = model.source if isinstance(model, Model) else os.fspath(model)
    study.hw = chip.source if isinstance(chip, Chip) else os.fspath(chip)
    options.study = study
    options.ids = _ids(ids)
    options.text = os.fspath(text) if text is not None else ""
    options.numerics = numerics
    options.calibration = _ids(calibration) if calibration is not None else ""
    options.weights_file = os.fspath(weights) if weights is not None else ""
    options.windows = windows
    report, logits, diagnostics = _neurokv.execute(options)
    _say(diagnostics)
    result = json.loads(report)
    result["logits"] = logits
    return result


def sweep(spec, out=None, *, jobs: Optional[int] = None, shard: str = "1/1",
          resume: bool = False) -> Iterator[dict]:
    """``neurokv sweep SPEC --out OUT``: runs every point of the sweep spec (of shard ``"K/N"``) on ``jobs``
    threads (default: the machine's cores) when called, then returns an iterator over its rows in point order,
    each a row of ``results.json`` as a dict by column. ``out`` defaults to a temporary folder, removed once the
    rows are read. Ctrl-C stops the sweep with the finished points journaled (``resume=True`` with the same
    ``out`` finishes it)."""
    jobs = jobs or os.cpu_count() or 1
    if out is not None:
        return iter(_sweep_rows(os.fspath(spec), os.fspath(out), jobs, shard, resume))
    with tempfile.TemporaryDirectory(prefix="neurokv-sweep-") as folder:
        return iter(_sweep_rows(os.fspath(spec), folder, jobs, shard, resume))


def _sweep_rows(spec: str, out: str, jobs: int, shard: str, resume: bool) -> list:
    complete, _, diagnostics = _neurokv.sweep(spec, out, jobs, shard, resume)
    _say(diagnostics, stacklevel=4)
    if not complete:
        raise RunError(f"the sweep of {spec} did not finish; finish it with resume=True and out={out!r}")
    with open(os.path.join(out, "results.json"), encoding="utf-8") as results:
        document = json.load(results)
    return [dict(zip(document["columns"], row)) for row in document["rows"]]


def sweep_merge(shards, out) -> int:
    """``neurokv sweep merge SHARDS --out OUT``: joins the results of a sweep's shards (each the ``out`` of one
    ``sweep(..., shard="K/N")``), checking that none is missing or duplicated; returns the point count."""
    points, diagnostics = _neurokv.sweep_merge([os.fspath(s) for s in shards], os.fspath(out))
    _say(diagnostics)
    return points
