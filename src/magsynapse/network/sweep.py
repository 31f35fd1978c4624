"""Sweeps over [Mg]o and seeds on dask.distributed, one task per (mg, seed).

Each finished task is written at once (``task_<key>_mg=<mg>_seed=<seed>.nc``,
atomically: a temporary file renamed into place), a re-run skips the files already there,
and the sweep ends by combining every task file into ``sweep.nc``. The key
(:func:`task_key`) hashes everything that changes a result besides [Mg]o and the seed —
the whole configuration (a model file's content included), T and the package version —
so a re-run with anything different computes its own tasks instead of reusing stale
ones. A task lost with its worker is run again by dask on another worker; because it
writes by rename and a replica's numbers depend only on (configuration, mg, seed), the
sweep still ends with every result exactly once, whatever the worker count.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from tqdm.auto import tqdm

from .. import __version__
from ..errors import MagsynapseError
from ..parallel import check_scheduler, dask_client
from ..results import load, own_folder, save
from .config import NetworkConfig, from_dict, load_config
from .simulate import simulate_network

PARTIAL = ".partial-"
#: The file that marks a folder as a sweep's.
MARKER = ".magsynapse-sweep"


def task_key(config: dict[str, Any], T: float) -> str:
    """Hash of what decides a task's result besides [Mg]o and the seed.

    >>> cfg = load_config("mgnet").to_dict()
    >>> task_key(cfg, 0.1) == task_key(cfg, 0.1) != task_key(cfg, 0.3)
    True
    """
    spec = {"config": config, "T": float(T), "version": __version__}
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _own_file(name: str) -> bool:
    """Whether a file of this name is one a sweep writes (a task, its partial, the result)."""
    return name == "sweep.nc" or name.startswith((PARTIAL, "task_", ".sweep.nc."))


def task_path(out_dir: Path, key: str, mg: float, seed: int) -> Path:
    """File of one (mg, seed) task of the sweep with key ``key``."""
    return Path(out_dir) / f"task_{key}_mg={mg:.6g}_seed={seed}.nc"


def run_task(config: dict[str, Any], mg: float, seed: int, T: float, out_dir: str) -> str:
    """One sweep task: simulate a replica and write it, unless it is already written."""
    path = task_path(Path(out_dir), task_key(config, T), mg, seed)
    if path.exists():
        return str(path)
    cfg = from_dict(config)
    ds = simulate_network(cfg, mg=mg, seed=seed, T=T)
    ds = ds.expand_dims(mg=[mg], seed=[seed])
    for var in ("spike_t", "spike_i"):
        ds = ds.drop_vars(var, errors="ignore")  # the combined file keeps summaries
    fd, tmp = tempfile.mkstemp(prefix=PARTIAL, suffix=".nc", dir=out_dir)
    os.close(fd)
    save(ds, tmp)
    os.replace(tmp, path)
    return str(path)


def combine(out_dir: Path, key: str, mg: Sequence[float], seeds: Sequence[int]) -> xr.Dataset:
    """Combine the task files of a sweep into one dataset over (mg, seed)."""
    parts = [load(task_path(out_dir, key, m, s)) for m in mg for s in seeds]
    ds = xr.combine_by_coords(parts, combine_attrs="override")
    return ds.transpose("mg", "seed", ...)


def _submit(client, todo, data, T, out: Path, total: int, progress: bool) -> None:
    from distributed import as_completed

    futures = [
        client.submit(
            run_task, data, m, s, T, str(out), pure=False, key=f"mgnet-{m:.6g}-{s}-{os.getpid()}"
        )
        for m, s in todo
    ]
    bar = tqdm(
        total=total,
        initial=total - len(todo),
        desc="sweep tasks",
        unit="task",
        disable=not progress,
    )
    for future in as_completed(futures):
        future.result()
        bar.update(1)
    bar.close()


def run_sweep(
    config: NetworkConfig | str,
    mg: Sequence[float],
    seeds: Sequence[int],
    out_dir: str | os.PathLike[str],
    *,
    T: float = 1.0,
    scheduler: str = "local",
    workers: int = 2,
    progress: bool = True,
    client: Any = None,
) -> Path:
    """Run every (mg, seed) task on dask.distributed and write ``sweep.nc``.

    Parameters
    ----------
    config : NetworkConfig or str
        Network (``"mgnet"``, a TOML path or a configuration).
    mg, seeds : sequences
        The grid.
    out_dir : path
        Folder of the task files and of ``sweep.nc``.
    T : float
        Simulated time per task, s.
    scheduler : str
        ``"local"`` (a LocalCluster of ``workers`` processes) or ``tcp://HOST:PORT``.
    workers : int
        Workers of the local cluster.
    client : distributed.Client, optional
        Use this client instead of creating one.

    Returns
    -------
    pathlib.Path
        The combined file.
    """
    cfg = load_config(config) if isinstance(config, str) else config
    mg_list = [float(m) for m in np.atleast_1d(np.asarray(mg, dtype=float))]
    seed_list = [int(s) for s in seeds]
    if not mg_list or any(m < 0 or not np.isfinite(m) for m in mg_list):
        raise MagsynapseError("mg: give one or more concentrations >= 0 mM")
    if not seed_list:
        raise MagsynapseError("seeds: give at least one seed")
    if workers < 1:
        raise MagsynapseError(f"workers: must be >= 1 (got {workers})")
    check_scheduler(scheduler)
    out = own_folder(out_dir, MARKER, "a sweep", _own_file)
    data = cfg.to_dict()
    key = task_key(data, T)
    todo = [(m, s) for m in mg_list for s in seed_list if not task_path(out, key, m, s).exists()]
    if todo:
        if client is None:
            with dask_client(scheduler, workers) as own:
                _submit(own, todo, data, T, out, len(mg_list) * len(seed_list), progress)
        else:
            _submit(client, todo, data, T, out, len(mg_list) * len(seed_list), progress)
    for stale in out.glob(f"{PARTIAL}*"):  # left by a task whose worker died while writing
        stale.unlink(missing_ok=True)
    combined = combine(out, key, mg_list, seed_list)
    path = out / "sweep.nc"
    save(combined, path)
    return path
