"""One way to reach dask.distributed: a local cluster of worker processes or a running
scheduler, opened and closed around a block of work.

>>> check_scheduler("tcp://10.0.0.1:8786")
'tcp://10.0.0.1:8786'
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .errors import MagsynapseError, MagsynapseRunError


def check_scheduler(scheduler: str, extra: tuple[str, ...] = ()) -> str:
    """``"local"``, ``tcp://HOST:PORT`` or one of ``extra``; anything else is an error.

    >>> check_scheduler("tcp://host")
    Traceback (most recent call last):
    ...
    magsynapse.errors.MagsynapseError: scheduler: 'tcp://host'; accepted: local, tcp://HOST:PORT
    """
    if scheduler in ("local", *extra):
        return scheduler
    try:
        parts = urllib.parse.urlsplit(str(scheduler))
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme != "tcp" or not parts.hostname or port is None:
        accepted = ", ".join(("local", *extra, "tcp://HOST:PORT"))
        raise MagsynapseError(f"scheduler: {scheduler!r}; accepted: {accepted}")
    return scheduler


@contextmanager
def dask_client(scheduler: str = "local", workers: int = 2) -> Iterator[Any]:
    """A ``distributed.Client``: on a LocalCluster of ``workers`` single-threaded worker
    processes (``"local"``) or on the scheduler at ``tcp://HOST:PORT``; closed on exit.
    Worker processes start by spawn: code that calls this must be importable. Dask moves
    work as pickles, which run code where they are loaded: connect only to a scheduler
    and workers you trust. An unreachable scheduler (10 s) is a
    :class:`~magsynapse.errors.MagsynapseRunError`."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - depends on the installation
        raise MagsynapseError("scheduler: dask.distributed is not installed") from None
    check_scheduler(scheduler)
    if workers < 1:
        raise MagsynapseError(f"workers: must be >= 1 (got {workers})")
    own = None
    if scheduler == "local":
        own = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(own)
    else:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise MagsynapseRunError(
                f"scheduler: could not connect to {scheduler}: {exc}"
            ) from None
    try:
        yield client
    finally:
        client.close()
        if own is not None:
            own.close()
