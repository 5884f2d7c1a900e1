"""Executors: every item once, in-process or pooled, Dask by address; Numba single-threaded in workers."""
from __future__ import annotations

import pytest

from simulation.runner.executors import DaskExecutor, LocalExecutor, make_executor
from tests.runner.fake_models import numba_threads


@pytest.mark.parametrize("workers", [1, 2])
def test_local_executor_yields_every_result_once(workers):
    with LocalExecutor(workers) as ex:
        assert sorted(ex.map_unordered(abs, [-3, 1, -2, 5, 0])) == [0, 1, 2, 3, 5]
        assert ex.shares_machine is (workers > 1)


def test_pool_workers_run_numba_on_one_thread():
    import os

    with LocalExecutor(2) as ex:
        got = list(ex.map_unordered(numba_threads, range(6)))
    assert len(got) == 6 and {threads for pid, threads in got if pid != os.getpid()} == {1}


def test_this_process_runs_tasks_while_the_pool_starts_even_when_few():
    import os

    # four tasks for two workers: the pool takes three, this process one (it used to wait idle for the pool)
    with LocalExecutor(2) as ex:
        pids = list(ex.map_unordered(_pid, range(4)))
    assert len(pids) == 4 and os.getpid() in pids


def test_dask_executor_connects_to_a_scheduler_address():
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with DaskExecutor(1, scheduler=cluster.scheduler_address) as ex:
            assert sorted(ex.map_unordered(abs, [-1, -2, 3])) == [1, 2, 3]
            assert ex.effective_workers == 1


def test_make_executor_checks_its_arguments():
    assert isinstance(make_executor("local", 1), LocalExecutor)
    assert isinstance(make_executor("dask", 2, "tcp://h:1"), DaskExecutor)
    with pytest.raises(ValueError, match="backend dask"):
        make_executor("local", 1, "tcp://h:1")
    with pytest.raises(ValueError, match="unknown backend"):
        make_executor("ray", 1)
    with pytest.raises(ValueError, match="workers"):
        LocalExecutor(0)


def _pid(_) -> int:
    import os

    return os.getpid()


def test_a_single_task_runs_in_this_process_without_starting_a_pool():
    import os

    with LocalExecutor(2) as ex:
        assert list(ex.map_unordered(_pid, [0])) == [os.getpid()]
        assert ex._pool is None
        assert set(ex.map_unordered(_pid, range(6))) - {os.getpid()}  # workers ran some


def test_pool_workers_get_a_lifeline_and_the_parent_death_signal():
    import sys

    import os

    with LocalExecutor(2) as ex:
        signals = {sig for pid, sig in ex.map_unordered(_death_signal, range(6)) if pid != os.getpid()}
    if sys.platform.startswith("linux"):
        assert signals == {9}  # SIGKILL when the fork server (their parent) dies


def _death_signal(_) -> tuple[int, int]:
    import ctypes
    import ctypes.util
    import os

    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    sig = ctypes.c_int(0)
    libc.prctl(2, ctypes.byref(sig), 0, 0, 0)  # PR_GET_PDEATHSIG
    return os.getpid(), sig.value


def test_forkserver_preload_does_nothing_when_imported_elsewhere():
    import subprocess
    import sys

    code = ("import os; os.environ['SOCSIM_SWEEP_PID'] = str(os.getppid()); "
            "import simulation.runner.forkserver_preload, tests.runner.test_executors as t; print(t._death_signal(0)[1])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_warm_up_scenario_is_a_valid_miniature_of_the_sweep_scenario():
    from simulation.config.scenario import Scenario, default_scenario_dict
    from simulation.operations import ALL_ON
    from simulation.config.scenario import load_scenario
    from simulation.runner.warm import miniature, warm_kernels

    full = load_scenario(default_scenario_dict(), {**ALL_ON, "kol.count": 50}).model_dump(mode="json")
    tiny = miniature(full)
    assert tiny["graph"]["params"]["n"] <= 400 and tiny["days"] <= 70 and tiny["kol"]["count"] == 2
    assert tiny["operations"] == full["operations"] and full["graph"]["params"]["n"] == 20000  # models kept, input untouched
    Scenario.model_validate(tiny)
    assert warm_kernels(full)
    from_file = miniature({**full, "graph": {"file": "edges.csv", "generator": None, "directed": None, "params": {}}})
    assert from_file["graph"] == {"generator": "complete", "params": {"n": 60}}  # no generator kernel to compile
    Scenario.model_validate(from_file)
