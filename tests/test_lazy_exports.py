"""``lazy_attributes``: mapped names, submodules, missing names and broken submodules."""
from __future__ import annotations

import sys

import pytest

from simulation.lazy_exports import lazy_attributes


@pytest.fixture
def package(tmp_path, monkeypatch):
    root = tmp_path / "lazypkg"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "heavy.py").write_text("VALUE = 42\n")
    (root / "broken.py").write_text("import a_module_that_does_not_exist_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "lazypkg"
    for name in [m for m in sys.modules if m == "lazypkg" or m.startswith("lazypkg.")]:
        del sys.modules[name]


def test_names_resolve_on_first_use_only(package):
    get = lazy_attributes(package, {"VALUE": f"{package}.heavy"})
    assert f"{package}.heavy" not in sys.modules
    assert get("VALUE") == 42
    assert f"{package}.heavy" in sys.modules
    assert get("heavy").VALUE == 42  # a submodule, as an eager import would have left it


def test_a_missing_name_is_an_attribute_error(package):
    with pytest.raises(AttributeError, match="'lazypkg' has no attribute 'nothing'"):
        lazy_attributes(package, {})("nothing")


def test_a_submodule_missing_a_dependency_says_which(package):
    with pytest.raises(ModuleNotFoundError, match="a_module_that_does_not_exist_anywhere"):
        lazy_attributes(package, {})("broken")
