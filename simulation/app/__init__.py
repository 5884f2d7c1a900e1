"""The interactive browser app: explore one run day by day, or compare two plans live.

``socsim app`` serves it (``serve``); the pages live in ``simulation/app/pages.py``, the
file ``solara run`` executes (``app_path()``). Importing this package imports neither
solara's server nor the pages, and changes no global state.

Modules: ``params`` (the levers and the model they build), ``network`` (the network
view's sample and fixed layout), ``charts`` (ECharts options, pure functions of a
model), ``compare`` (two plans on common random numbers), ``server`` (offline assets and
the server), ``pages`` (the Solara components).
"""
from pathlib import Path

from simulation.app.params import (MODEL_PARAMS, N_MAX, N_MIN, SCENARIO_PATHS, AppModel, build_scenario,
                                   default_params, make_model, params_from_query, scenario_overrides)
from simulation.app.server import check_assets, missing_assets, serve


def app_path() -> Path:
    """The pages file ``solara run`` serves (``socsim app``)."""
    return Path(__file__).resolve().with_name("pages.py")


__all__ = ["MODEL_PARAMS", "N_MAX", "N_MIN", "SCENARIO_PATHS", "AppModel", "app_path", "build_scenario",
           "check_assets", "default_params", "make_model", "missing_assets", "params_from_query",
           "scenario_overrides", "serve"]
