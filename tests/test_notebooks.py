"""Every tutorial notebook executes without error (nbmake, in a subprocess), and each
.ipynb is the jupytext pairing of its py:percent script."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_four_paired_notebooks():
    scripts = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
    assert len(scripts) >= 4
    assert [p.stem for p in scripts] == [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("script", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py")), ids=lambda p: p.stem)
def test_notebook_matches_its_script(script):
    """The .ipynb holds the same cells as the .py (regenerate with jupytext --to ipynb)."""
    import jupytext

    nb_py = jupytext.read(script)
    nb_ipynb = jupytext.read(script.with_suffix(".ipynb"))
    assert [(c.cell_type, c.source.strip()) for c in nb_py.cells] == \
        [(c.cell_type, c.source.strip()) for c in nb_ipynb.cells], \
        f"{script.name} and its .ipynb differ: run `jupytext --to ipynb {script.name}`"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(notebook, tmp_path):
    """Execute the notebook with nbmake; any cell error fails the test."""
    env = dict(os.environ, MPLBACKEND="Agg", TMPDIR=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbmake", "--nbmake-timeout=300", "-q",
         "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(notebook)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"{notebook.name} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
