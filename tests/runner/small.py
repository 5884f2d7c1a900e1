"""Small real-model experiment files for the runner, config and CLI tests (fast: ~10 ms a run)."""
from __future__ import annotations

from pathlib import Path

#: A few hundred people for a few weeks on the embedded default scenario.
SMALL_BASE = """\
scenario = "default"
days = {days}

[graph]
generator = "powerlaw_cluster"
n = {n}
m = 3
p = 0.3

[operations.relationship]
enabled = true
"""

GRID = """\
# Does a KOL campaign pay for itself in a small town?
# (runner test experiment)
{base}
[sweep]
design = "grid"
replications = {replications}
seed = 11
[sweep.parameters]
kol.count = [0, 3]
"operations.relationship.referral_reward" = [0.0, 10.0]
"""


def small_base(n: int = 400, days: int = 15) -> str:
    """The base-scenario part of a small experiment file."""
    return SMALL_BASE.format(n=n, days=days)


def write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` and return the path."""
    path.write_text(text, encoding="utf-8")
    return path


def grid_file(tmp: Path, *, replications: int = 2, n: int = 400, days: int = 15, name: str = "grid.toml") -> Path:
    """A 2 x 2 grid (KOL count x referral reward) on a small graph."""
    return write(tmp / name, GRID.format(base=small_base(n, days), replications=replications))
