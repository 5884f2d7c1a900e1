"""The manifest of a sweep: what was run, with which code, seeds and design, and when."""
from __future__ import annotations

import platform
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from simulation.config.experiment import Experiment, scenario_dict

#: Distributions whose versions are recorded (socsim's own and the ones that shape results).
PACKAGES = (
    "socsim", "numpy", "numba", "mesa", "networkx", "scipy", "pydantic",
    "pyarrow", "pandas", "dask", "distributed", "SALib", "tqdm",
)


def versions() -> dict[str, str | None]:
    """Return the Python version and the installed version of each recorded package."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        res = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() if res.returncode == 0 else None


def git_commit() -> str | None:
    """Return the commit of the socsim source tree, or ``None`` outside a git checkout."""
    return _git(["rev-parse", "HEAD"], Path(__file__).resolve().parent) or None


def git_dirty() -> bool | None:
    """Return whether tracked files of the socsim package differ from that commit (``None``: unknown)."""
    package = Path(__file__).resolve().parents[1]
    out = _git(["status", "--porcelain", "--untracked-files=no", "--", "."], package)
    return None if out is None else bool(out)


def now() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def build_manifest(exp: Experiment, *, backend: str, workers: int) -> dict:
    """Return the manifest of a sweep about to start (``finished`` is filled in at the end)."""
    return {
        "experiment_file": str(exp.path) if exp.path else None,
        "experiment_sha256": exp.sha256,
        "overrides": list(exp.overrides),
        "question": exp.question,
        "title": exp.title,
        "design": exp.design.to_dict(),
        "replications": exp.replications,
        "base_seed": exp.seed,
        "crn": exp.crn,
        "n_points": len(exp.design.points),
        "n_runs": exp.n_runs,
        "versions": versions(),
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
        "started": now(),
        "finished": None,
        "backend": backend,
        "workers": workers,
        "scenario": scenario_dict(exp.base),
    }
