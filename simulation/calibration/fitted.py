"""The fitted scenario as a complete TOML file that ``socsim run`` accepts."""
from __future__ import annotations

from pathlib import Path

import tomli_w


def _drop_none(x):
    if isinstance(x, dict):
        return {k: _drop_none(v) for k, v in x.items() if v is not None}
    if isinstance(x, list):
        return [_drop_none(v) for v in x]
    return x


def fitted_toml(base: dict, params: dict[str, float], base_dir: str | None, header: list[str]) -> str:
    """The base scenario with ``params`` set, as self-contained TOML text (validated on the way back).

    base : the base scenario as plain data; base_dir : folder its relative files are
    read from (an edge-list path is written absolute so the file works from anywhere);
    header : comment lines written at the top.
    """
    from simulation.config.scenario import load_scenario

    sc = load_scenario(base, dict(params))
    data = _drop_none(sc.model_dump(mode="json", exclude_computed_fields=True))
    graph = data.get("graph", {})
    if graph.get("file") and base_dir and not Path(graph["file"]).is_absolute():
        graph["file"] = str(Path(base_dir) / graph["file"])
    text = "".join(f"# {line}\n" if line else "#\n" for line in header) + "\n" + tomli_w.dumps(data)
    import tomllib

    if load_scenario(tomllib.loads(text)) != sc:  # the file must say exactly what was fitted
        raise RuntimeError("the fitted scenario does not round-trip through TOML")
    return text
