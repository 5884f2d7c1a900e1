"""Serve the app offline: every file the page loads comes from installed packages.

Solara's page asks its server for JavaScript, CSS and fonts under ``/_solara/cdn/``; the
server answers from its asset folder (``solara.settings.assets.proxy_cache_dir``, where
the ``solara-assets`` package installs them, pinned to the same version as solara) and
only fetches a missing file from a public CDN, which fails without internet and leaves a
blank page. ``missing_assets`` lists what the page needs and is not installed, so
``serve`` can refuse with the list instead.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

#: Assets the app's own components load (ECharts for every chart), beyond solara's page.
APP_ASSETS = ("echarts@5.4.0/dist/echarts.js",)


def asset_dir() -> Path:
    """The folder solara serves ``/_solara/cdn/`` from."""
    import solara.server.settings

    return Path(solara.server.settings.assets.proxy_cache_dir)


def page_assets() -> list[str]:
    """Paths (under the cdn folder) that solara's page template loads with this install."""
    import ipyvue
    import ipywidgets
    import solara.server.server as server

    template = Path(server.__file__).parent / "templates" / "solara.html.j2"
    text = template.read_text(encoding="utf-8")
    major = ipywidgets.__version__.split(".")[0]
    vue3 = int(ipyvue.__version__.split(".")[0]) >= 3
    out = []
    for path in re.findall(r"\{\{cdn\}\}/([^\"'\s{]+(?:\{\{ipywidget_major_version\}\}[^\"'\s]*)?)", text):
        path = path.replace("{{ipywidget_major_version}}", major)
        if ("solara-vuetify3-app" in path) != vue3 and "solara-vuetify" in path:
            continue  # the other Vue version's bundle
        out.append(path)
    import solara.server.settings as ss

    if ss.assets.fontawesome_enabled:
        out.append(ss.assets.fontawesome_path.lstrip("/"))
    return sorted(set(out) | set(APP_ASSETS))


def missing_assets() -> list[str]:
    """The page's assets that are not installed (empty when the app works offline)."""
    base = asset_dir()
    return [p for p in page_assets() if not (base / p).is_file()]


class AssetsMissing(RuntimeError):
    """The app cannot work offline: some page asset is not installed."""


def check_assets() -> None:
    """Raise ``AssetsMissing`` naming the missing files and the fix."""
    missing = missing_assets()
    if missing:
        import solara

        raise AssetsMissing(
            f"socsim app: {len(missing)} page asset(s) missing from {asset_dir()} "
            f"(first: {missing[0]}); without them the page stays blank offline. Install the "
            f"assets matching solara {solara.__version__}: pip install 'solara-assets=={solara.__version__}'")


def offline_env(env: dict | None = None) -> dict:
    """Environment for the solara server: serve assets itself, never phone home."""
    out = dict(os.environ if env is None else env)
    out["SOLARA_ASSETS_PROXY"] = "True"
    out["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    out["SOLARA_CHECK_HOOKS"] = "off"
    return out


def port_free(host: str, port: int) -> bool:
    """True when ``port`` on ``host`` can be bound now."""
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def serve(host: str = "localhost", port: int = 8765) -> int:
    """Check the assets, print the address, run the solara server until it stops; its exit status.

    Parameters
    ----------
    host : interface to listen on.
    port : TCP port (1..65535), must be free.
    """
    from simulation.app import app_path

    try:
        check_assets()
    except AssetsMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    if not port_free(host, port):
        print(f"socsim app: port {port} on {host} is in use; choose another with --port", file=sys.stderr)
        return 2
    solara = Path(sys.executable).with_name("solara")
    cmd = [str(solara) if solara.exists() else "solara", "run", str(app_path()), "--host", host,
           "--port", str(port), "--no-open", "--production", "--no-check-version"]
    print(f"socsim app: open http://{host}:{port}/ in a browser (Ctrl-C stops it)", flush=True)
    return subprocess.call(cmd, env=offline_env())
