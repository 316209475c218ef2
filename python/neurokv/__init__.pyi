# Type stubs of the neurokv package (python/neurokv/__init__.py; the C++ side: python/module.cpp).
import os
from typing import Any, Iterator, Optional, Sequence, Tuple, Union

import numpy

class InputError(ValueError):
    """Bad input: the CLI's exit code 2, with its message."""

class RunError(RuntimeError):
    """A failed run: the CLI's exit code 1, with its message."""

class NeurokvWarning(UserWarning): ...

class Model:
    source: str
    name: str
    file: str
    layers: int
    d_model: int
    heads: int
    head_dim: int
    mlp_hidden: int
    vocab: int
    max_positions: int
    kv_groups: int
    has_weights: bool
    variant: Optional[str]

class Chip:
    source: str
    name: str
    file: str
    content_hash: str
    clock_hz: float
    mesh: Tuple[int, int]
    nps_total: int

class Report(dict):
    def to_pandas(self, table: str = ...) -> Any: ...

class Program:
    summary: dict
    variant: str
    chip: str
    context: int
    def save(self, path: Union[str, os.PathLike]) -> None: ...

ModelArg = Union[str, os.PathLike, Model]
ChipArg = Union[str, os.PathLike, Chip]
Ids = Union[None, str, os.PathLike, Sequence[int]]

def data_root() -> str: ...
def load_model(model: Union[str, os.PathLike]) -> Model: ...
def load_chip(chip: Union[str, os.PathLike]) -> Chip: ...
def estimate(model: ModelArg = ..., chip: ChipArg = ..., *, variant: Optional[str] = ..., context: int = ...,
             prompt: int = ..., weight_bits: Optional[int] = ..., act_bits: Optional[int] = ...,
             kv_bits: Optional[int] = ..., fuse_kv: bool = ..., ids: Ids = ...,
             text: Union[None, str, os.PathLike] = ..., events: str = ...,
             synthetic_weights: Optional[int] = ...) -> Report: ...
def run(model: ModelArg = ..., chip: ChipArg = ..., *, variant: Optional[str] = ..., context: int = ...,
        fidelity: str = ..., prompt: Optional[int] = ..., tokens: int = ..., decode_only: bool = ...,
        seed: Optional[int] = ...,
        trace: Union[None, str, os.PathLike] = ..., vcd: Union[None, str, os.PathLike] = ...,
        weight_bits: Optional[int] = ..., act_bits: Optional[int] = ..., kv_bits: Optional[int] = ...,
        fuse_kv: bool = ..., ids: Ids = ..., text: Union[None, str, os.PathLike] = ..., events: str = ...,
        synthetic_weights: Optional[int] = ...) -> Report: ...
def compile(model: ModelArg = ..., variant: Optional[str] = ..., chip: ChipArg = ..., *, context: int = ...,
            weight_bits: Optional[int] = ..., act_bits: Optional[int] = ..., kv_bits: Optional[int] = ...,
            fuse_kv: bool = ...) -> Program: ...
def simulate(program: Union[Program, str, os.PathLike], chip: Optional[ChipArg] = ..., *, prompt: int = ...,
             tokens: int = ..., decode_only: bool = ..., seed: int = ..., trace: Union[None, str, os.PathLike] = ...,
             vcd: Union[None, str, os.PathLike] = ...) -> Report: ...
def exec(model: ModelArg, *, ids: Ids = ..., text: Union[None, str, os.PathLike] = ...,
         variant: Optional[str] = ..., chip: ChipArg = ..., context: int = ..., numerics: str = ...,
         calibration: Ids = ..., windows: bool = ..., weight_bits: Optional[int] = ...,
         act_bits: Optional[int] = ..., kv_bits: Optional[int] = ...,
         synthetic_weights: Optional[int] = ...) -> dict: ...
def sweep(spec: Union[str, os.PathLike], out: Union[None, str, os.PathLike] = ..., *, jobs: Optional[int] = ...,
          shard: str = ..., resume: bool = ...) -> Iterator[dict]: ...
def sweep_merge(shards: Sequence[Union[str, os.PathLike]], out: Union[str, os.PathLike]) -> int: ...
