"""``socsim run`` imports only what it uses; the lazily imported package APIs still resolve."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: Heavy libraries a plain ``socsim run`` has no use for (figures, reports, sweeps' extras).
UNUSED_BY_RUN = ("matplotlib", "scipy.stats", "scipy.sparse", "jinja2", "optuna", "dask", "SALib", "pyabc",
                 "mesa", "solara", "networkx", "simulation.analysis.report", "simulation.optimize.run")


def _modules_after(code: str) -> list[str]:
    """The modules of ``UNUSED_BY_RUN`` imported after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {UNUSED_BY_RUN!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_building_the_parser_imports_no_heavy_library():
    assert _modules_after("from simulation.cli import build_parser; build_parser()") == []


def test_a_run_imports_no_heavy_library(tmp_path):
    code = ("from simulation.cli import main\n"
            f"assert main(['run', 'default', '--replications', '1', '--set', 'days=3', '--set', 'graph.n=300',"
            f" '--out', {str(tmp_path / 'out')!r}, '--quiet']) == 0")
    assert _modules_after(code) == []
    assert (tmp_path / "out" / "runs.parquet").is_file()


@pytest.mark.parametrize("package", ["simulation.optimize", "simulation.analysis"])
def test_every_public_name_of_a_lazy_package_resolves(package):
    import importlib

    mod = importlib.import_module(package)
    for name in mod.__all__:
        obj = getattr(mod, name)
        assert getattr(obj, "__name__", name) == name
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        mod.nonexistent  # noqa: B018 - the attribute access is the test


def test_submodules_of_a_lazy_package_still_import():
    from simulation.analysis import figures, stats
    from simulation.optimize import command

    assert figures.__name__ == "simulation.analysis.figures"
    assert stats.t_interval([1.0, 2.0, 3.0]).high > 2.0
    assert callable(command.add_parser)


def test_a_submodule_is_an_attribute_of_its_lazy_package_as_before():
    # the eager imports used to leave e.g. ``simulation.analysis.figures`` set on the package
    code = ("import simulation.analysis as A, simulation.optimize as O\n"
            "assert A.figures.__name__ == 'simulation.analysis.figures'\n"
            "assert O.search.__name__ == 'simulation.optimize.search'")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
