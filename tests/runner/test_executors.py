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
    with LocalExecutor(2) as ex:
        assert list(ex.map_unordered(numba_threads, range(4))) == [1, 1, 1, 1]


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
