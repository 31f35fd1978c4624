"""Sweeps on dask.distributed: reproducible, restartable, robust to a lost worker."""

import os

import numpy as np
import pytest

from cfcheck import cf_problems
from magsynapse.network import load_config, run_sweep, simulate_network
from magsynapse.results import load

distributed = pytest.importorskip("distributed")

CFG = load_config("mgnet").replace(network={"N": 100})


@pytest.fixture(scope="module")
def cluster():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as lc,
        distributed.Client(lc) as c,
    ):
        yield lc, c


@pytest.mark.slow
def test_sweep_matches_direct_runs_and_skips_finished(tmp_path, cluster):
    _, client = cluster
    path = run_sweep(CFG, [0.5, 1.5], [1, 2], tmp_path, T=0.1, client=client, progress=False)
    ds = load(path)
    assert ds.rate_E.dims == ("mg", "seed")
    direct = simulate_network(CFG, mg=[0.5, 1.5], seed=[1, 2], T=0.1)
    np.testing.assert_array_equal(ds.rate_E.values, direct.rate_E.values)
    np.testing.assert_array_equal(ds.rho_mean.values, direct.rho_mean.values)
    stamps = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("task_*.nc")}
    assert len(stamps) == 4
    run_sweep(CFG, [0.5, 1.5], [1, 2], tmp_path, T=0.1, client=client, progress=False)
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("task_*.nc")} == stamps
    files = [path, *sorted(tmp_path.glob("task_*.nc"))]
    tables = tmp_path / "cf-tables"
    tables.mkdir()
    assert cf_problems(files, tables) == {p.name: [] for p in files}
    # another T (or N, or model) is another sweep: its own tasks, not the stale ones
    longer = load(
        run_sweep(CFG, [0.5, 1.5], [1, 2], tmp_path, T=0.2, client=client, progress=False)
    )
    direct = simulate_network(CFG, mg=[0.5, 1.5], seed=[1, 2], T=0.2)
    np.testing.assert_array_equal(longer.rate_E.values, direct.rate_E.values)
    assert len(list(tmp_path.glob("task_*.nc"))) == 8


@pytest.mark.slow
def test_killed_worker_still_gives_every_result_once(tmp_path, cluster):
    """One worker is killed mid-sweep; dask reruns its tasks elsewhere; each result is
    written exactly once and equals a direct run."""
    lc, client = cluster
    mg = [0.2, 0.6, 1.0, 1.4]
    seeds = [1, 2, 3]
    victim = next(iter(client.scheduler_info()["workers"]))

    import threading

    def killer():
        # kill a worker once the first task file appears
        import time

        for _ in range(600):
            if any(tmp_path.glob("task_*.nc")):
                try:
                    client.run(os._exit, 1, workers=[victim])
                except Exception:  # the worker is gone: the run call reports it
                    pass
                return
            time.sleep(0.05)

    thread = threading.Thread(target=killer)
    thread.start()
    path = run_sweep(CFG, mg, seeds, tmp_path, T=0.3, client=client, progress=False)
    thread.join()
    files = sorted(p.name for p in tmp_path.glob("task_*.nc"))
    assert len(files) == len(set(files)) == len(mg) * len(seeds)
    assert not list(tmp_path.glob(".partial-*"))
    ds = load(path)
    direct = simulate_network(CFG, mg=mg, seed=seeds, T=0.3)
    np.testing.assert_array_equal(ds.rate_E.values, direct.rate_E.values)
    lc.scale(2)
