"""Every tutorial notebook executes without error and shows every figure it draws inline,
and each .ipynb is the jupytext pairing of its py:percent script."""
import re
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


#: A code cell that draws: a socsim figure, pyplot, or a pandas / matplotlib plot call.
PLOTS = re.compile(r"figures\.\w+\(|plt\.|\.plot\(|ax\.\w+\(")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_shows_its_figures(notebook, tmp_path, monkeypatch):
    """Execute the notebook as Jupyter does (inline backend); no cell errs, every cell that
    plots shows its figure (an image/png output)."""
    import nbclient
    import nbformat

    # The kernel inherits the environment: use the notebook's inline backend, as a user's
    # Jupyter would (the Makefile's MPLBACKEND=Agg would hide every pyplot figure).
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    nb = nbformat.read(notebook, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(notebook.parent)}})
    client.execute()
    blind = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and PLOTS.search(c.source)
             and not any("image/png" in o.get("data", {}) for o in c.get("outputs", []))]
    assert not blind, f"{notebook.name}: code cells {blind} plot but show no figure"
    assert any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])), \
        f"{notebook.name} shows no figure at all"
