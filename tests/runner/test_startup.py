"""Sweep start-up: the timeline, the early fork server, its warm-up, Dask's hand-over, light imports."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path

from simulation.runner.executors import DaskExecutor
from simulation.runner.timeline import TIMELINE, mark, read

ROOT = Path(__file__).resolve().parents[2]
QUICK = str(ROOT / "experiments" / "quick.toml")


def _python(code: str, **env) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, **env})
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_timeline_appends_one_line_per_event_only_when_asked(tmp_path, monkeypatch):
    path = tmp_path / "t.jsonl"
    monkeypatch.delenv(TIMELINE, raising=False)
    mark("ignored")
    assert not path.exists()
    monkeypatch.setenv(TIMELINE, str(path))
    mark("a")
    mark("b")
    events = read(path)
    assert [e["event"] for e in events] == ["a", "b"]
    assert {e["pid"] for e in events} == {os.getpid()} and events[0]["wall"] <= events[1]["wall"]
    # a process that marked something also records its exit, with its CPU seconds
    _python("from simulation.runner.timeline import mark; mark('child')", **{TIMELINE: str(path)})
    child = [e for e in read(path) if e["pid"] != os.getpid()]
    assert [e["event"] for e in child] == ["child", "exit"] and child[1]["cpu"] >= child[0]["cpu"]


def test_the_early_start_module_imports_nothing_heavy():
    out = _python("import sys, simulation.runner.pool_context; "
                  "print(sorted(m for m in ('numpy', 'numba', 'pyarrow', 'pandas', 'pydantic') if m in sys.modules))")
    assert out.strip() == "[]"
    assert _python("from simulation.runner import run_experiment, OutputDir; print(run_experiment.__name__)").strip() \
        == "run_experiment"


def test_warm_up_from_an_experiment_file_takes_its_first_and_last_points():
    from simulation.config.experiment import load_experiment
    from simulation.runner.warm import experiment_scenarios

    overrides = ["sweep.replications=2", "days=12"]
    exp = load_experiment(QUICK, overrides)
    got = experiment_scenarios(json.dumps({"file": QUICK, "overrides": overrides}))
    assert got == [exp.scenarios[0], exp.scenarios[-1]] and got[0] != got[1] and got[0]["days"] == 12
    assert experiment_scenarios(json.dumps({"file": "no/such.toml"})) == []
    assert experiment_scenarios("not json") == []


def test_start_early_starts_the_fork_server_unless_one_local_worker(tmp_path):
    probe = ("import json, sys; from multiprocessing import forkserver; "
             "from simulation.runner.pool_context import start_early; "
             "start_early(sys.argv[1], int(sys.argv[2]) or None, {quick!r}); "
             "print(json.dumps(forkserver._forkserver._forkserver_pid is not None))").format(quick=QUICK)
    for backend, workers, started in (("dask", 2, True), ("local", 1, False), ("local", 2, True)):
        out = subprocess.run([sys.executable, "-c", probe, backend, str(workers)], capture_output=True, text=True,
                             cwd=ROOT)
        assert out.returncode == 0, out.stderr[-2000:]
        assert json.loads(out.stdout) is started, (backend, workers)


def test_an_early_fork_server_warms_up_before_it_forks_the_pool(tmp_path):
    path = tmp_path / "t.jsonl"
    code = ("import os\n"
            "from simulation.runner.pool_context import start_early\n"
            "from simulation.runner.executors import LocalExecutor\n"
            "if __name__ == '__main__':\n"
            f"    start_early('local', 2, {QUICK!r}, ['sweep.replications=2'])\n"
            "    with LocalExecutor(2) as ex:\n"
            "        print(sorted(ex.map_unordered(abs, [-1, -2, -3, -4, -5])))\n")
    script = tmp_path / "probe.py"
    script.write_text(code)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, TIMELINE: str(path)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[1, 2, 3, 4, 5]"
    events = read(path)
    first = {}
    for i, e in enumerate(events):
        first.setdefault(e["event"], i)
    assert first["forkserver start"] < first["forkserver warm"] < first["forkserver warmed"] < first["pool worker start"]


class _FakeClient:
    """Stands in for a distributed Client: ``submit`` records the item, returns it as its 'future'."""

    def __init__(self):
        self.submitted = []
        self.used = threading.Event()

    def submit(self, fn, item, pure=True):
        self.submitted.append(item)
        self.used.set()
        return item


def test_dask_hands_every_task_not_run_here_to_the_cluster_once_it_is_up(monkeypatch):
    ex = DaskExecutor(2)
    ready = threading.Event()
    client = _FakeClient()

    def connect(warm_with=None):
        ready.wait(10)
        return client

    monkeypatch.setattr(ex, "_connect", connect)
    ran_here = []

    def fn(item):
        ran_here.append(item)
        if len(ran_here) == 3:
            ready.set()  # the "cluster" comes up while the third task runs here ...
            client.used.wait(10)  # ... and takes the rest before it ends
        return -item

    pending = deque(range(10))
    gen = ex._share_start(fn, pending)
    yielded = []
    try:
        while True:
            yielded.append(next(gen))
    except StopIteration as stop:
        futures = stop.value
    assert yielded == [0, -1, -2] and ran_here == [0, 1, 2]
    assert futures == client.submitted == list(range(3, 10)) and not pending


def test_local_cluster_workers_fork_from_the_warmed_fork_server():
    from multiprocessing import forkserver

    with DaskExecutor(2) as ex:
        assert sorted(ex.map_unordered(abs, [-1, -2, -3])) == [1, 2, 3]
        parents = set(ex._client.run(os.getppid).values())
    assert parents == {forkserver._forkserver._forkserver_pid}


def test_run_experiment_starts_the_fork_server_before_its_set_up(tmp_path):
    # called from Python (not the CLI): the server still starts before the manifest, the lock and the runs
    path = tmp_path / "t.jsonl"
    code = ("from simulation.config.experiment import load_experiment\n"
            "from simulation.runner.sweep import run_experiment\n"
            "if __name__ == '__main__':\n"
            f"    exp = load_experiment({QUICK!r}, ['sweep.replications=1', 'days=5', 'graph.n=200'])\n"
            f"    run_experiment(exp, {str(tmp_path / 'out')!r}, workers=2, progress=False)\n")
    script = tmp_path / "probe.py"
    script.write_text(code)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, TIMELINE: str(path)})
    assert out.returncode == 0, out.stderr[-2000:]
    names = [e["event"] for e in read(path)]
    assert names.index("sweep start") < names.index("forkserver start") < names.index("runs start")
    assert (tmp_path / "out" / "runs.parquet").is_file()
