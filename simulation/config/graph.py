"""The ``[graph]`` table of a scenario: which social graph to build, and from what.

Flat and friendly: a generator's parameters are direct keys of the table::

    [graph]
    generator = "powerlaw_cluster"
    n = 20000
    m = 4
    p = 0.3

or an edge-list file (relative paths are resolved against the scenario's folder)::

    [graph]
    file = "edges.csv"
    directed = false
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, model_validator

from simulation.config.base import strict_scalar_error
from simulation.graph.csr import CSRGraph
from simulation.graph.edgelist import read_edgelist
from simulation.graph.generators import check_params, generate
from simulation.seeding import SeedLike

_OWN_KEYS = ("generator", "file", "directed", "header", "params")


class GraphConfig(BaseModel):
    """Where the social graph comes from: a named generator with its parameters, or a file.

    Attributes
    ----------
    generator : generator name (see ``simulation.graph.generators.GENERATORS``).
    file : edge-list path (``.csv``, ``.tsv`` or whitespace-separated).
    directed : for ``file`` only: read each line as an arc source -> target.
    header : for ``file`` only: true skips the first line, false never does; unset
        recognises ``source,target`` / ``from,to`` / ``src,dst`` / ``u,v`` headers.
    params : the generator's parameters, validated against it (in TOML, write them as
        direct keys of ``[graph]``; they are gathered here).
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    generator: StrictStr | None = None
    file: StrictStr | None = None
    directed: StrictBool | None = None
    header: StrictBool | None = None
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _gather_params(cls, data: Any) -> Any:
        """Pull a generator's flat keys into ``params`` and validate them against it."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        has_gen = data.get("generator") is not None
        has_file = data.get("file") is not None
        if has_gen == has_file:
            raise ValueError(
                "[graph] needs exactly one of 'generator' (a generator name) or 'file' (an "
                f"edge-list path), got {'both' if has_gen else 'neither'}"
            )
        if not has_gen:
            # leave unknown keys in place: extra="forbid" names each one
            return data
        name = data["generator"]
        if not isinstance(name, str):
            raise ValueError(f"[graph] generator must be a name (string), got {name!r}")
        if data.get("directed") is not None:
            raise ValueError("[graph] 'directed' applies to 'file' only: generators build undirected graphs")
        if data.get("header") is not None:
            raise ValueError("[graph] 'header' applies to 'file' only")
        params = dict(data.get("params") or {})
        for key in [k for k in data if k not in _OWN_KEYS]:
            if key in params:
                raise ValueError(f"[graph] parameter {key!r} is given twice (as a key and inside params)")
            params[key] = data.pop(key)
        for key, value in params.items():
            why = strict_scalar_error({int, float}, value) if isinstance(value, (bool, float)) else None
            if why:
                raise ValueError(f"{key}: {why}")
        data["params"] = check_params(name, params)
        return data

    @model_validator(mode="after")
    def _file_has_no_params(self) -> "GraphConfig":
        if self.file is not None and self.params:
            raise ValueError(f"[graph] parameters {sorted(self.params)} apply to a generator, not to a file")
        if self.file is not None and not self.file.strip():
            raise ValueError("[graph] file must be a non-empty path")
        return self

    def path(self, base_dir: str | os.PathLike | None = None) -> Path:
        """The edge-list path, relative ones resolved against ``base_dir`` (a folder)."""
        if self.file is None:
            raise ValueError("[graph] has no file: it uses a generator")
        path = Path(self.file).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = Path(base_dir) / path
        return path

    def build(self, seed: SeedLike = None, base_dir: str | os.PathLike | None = None) -> CSRGraph:
        """Build the graph.

        Parameters
        ----------
        seed : int, SeedSequence or None; a run passes ``substream(run_ss, "graph")``.
        base_dir : folder against which a relative ``file`` is resolved (the scenario's).
        """
        if self.generator is not None:
            return generate(self.generator, seed=seed, **self.params)
        path = self.path(base_dir)
        if not path.is_file():
            raise ValueError(f"{path}: no such file" if not path.exists() else f"{path}: not a regular file")
        return read_edgelist(path, directed=bool(self.directed), header=self.header)

    def flat(self) -> dict[str, Any]:
        """The table as written in TOML: generator parameters as direct keys, no Nones."""
        if self.generator is not None:
            return {"generator": self.generator, **self.params}
        out: dict[str, Any] = {"file": self.file}
        if self.directed is not None:
            out["directed"] = self.directed
        if self.header is not None:
            out["header"] = self.header
        return out
