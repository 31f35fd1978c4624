"""Ctrl-C inside compiled loops.

Python handles Ctrl-C (SIGINT) between bytecodes, so a compiled loop that runs for
minutes in the calling thread would hold it off until the loop ends. Long kernels
therefore run (without the GIL) in a worker thread and read a *stop flag*, a one-element
``uint8`` array, at each of their time steps with :func:`stopped` (an atomic load, which
the compiler may not hoist out of the loop as it could a plain ``stop[0]``). The calling
thread waits in short steps, and on Ctrl-C, or any other exception, sets the flag,
waits for the kernels to return (within one step), and re-raises. A kernel that sees
the flag returns an incomplete result, which is never used.

A long kernel may also say how far it has come: it stores its count of work done in a
*progress counter* (a one-element ``int64`` array, :func:`progress_counter`) with
:func:`report`, an atomic store that the compiler may not sink out of the loop, and the
waiting thread reads the counters at each of its steps (``on_wait`` of :func:`wait_all`),
to draw a progress bar.

Compiled parallel work without a stop flag runs in a short-lived worker thread too
(:func:`in_own_thread`), so that no OpenMP team outlives it (see there). Either way the
worker runs on as many of numba's threads as the calling thread has.

Importing Brian2 replaces Python's SIGINT handler with Brian2's own
(``brian2._InterruptHandler``), so in a process that has imported Brian2 a Ctrl-C goes
to Brian2's handler first; magsynapse never imports Brian2 itself.

Examples
--------
>>> import numba
>>> @numba.njit(nogil=True)
... def count(n, stop):
...     k = 0
...     for _ in range(n):
...         if stopped(stop):
...             break
...         k += 1
...     return k
>>> interruptible(count, 1000)
1000
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

import numba
import numpy as np
from numba.core import types
from numba.extending import intrinsic

#: How often (s) the waiting thread lets Python handle a pending Ctrl-C.
POLL_S = 0.05


@intrinsic
def _load_flag(typingctx, flag):
    """``flag[0]`` read with an atomic (monotonic) load."""
    if not (isinstance(flag, types.Array) and flag.dtype == types.uint8):
        return None
    sig = types.uint8(flag)

    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        return builder.load_atomic(array.data, "monotonic", 1)

    return sig, codegen


@numba.njit(cache=True, inline="always", nogil=True)
def stopped(stop):  # pragma: no cover - compiled
    """Whether the stop flag ``stop`` (see :func:`stop_flag`) is set; for compiled loops."""
    return _load_flag(stop) != 0


def stop_flag() -> np.ndarray:
    """A fresh stop flag (unset)."""
    return np.zeros(1, dtype=np.uint8)


@intrinsic
def _store_count(typingctx, counter, value):
    """``counter[0] = value`` as an atomic (monotonic) store."""
    if not (
        isinstance(counter, types.Array)
        and counter.dtype == types.int64
        and isinstance(value, types.Integer)
    ):
        return None
    sig = types.void(counter, value)

    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        v = context.cast(builder, args[1], signature.args[1], types.int64)
        builder.store_atomic(v, array.data, "monotonic", 8)
        return context.get_dummy_value()

    return sig, codegen


@numba.njit(cache=True, inline="always", nogil=True)
def report(counter, value):  # pragma: no cover - compiled
    """Store ``value`` (the work done so far) in the progress counter ``counter`` (see
    :func:`progress_counter`); for compiled loops."""
    _store_count(counter, value)


def progress_counter(n: int = 1) -> np.ndarray:
    """``n`` fresh progress counters (zero), one per kernel: hand kernel i the view
    ``counter[i:i + 1]``.

    >>> c = progress_counter(2)
    >>> @numba.njit
    ... def work(n, done):
    ...     for i in range(n):
    ...         report(done, i + 1)
    >>> work(7, c[1:])
    >>> c.tolist()
    [0, 7]
    """
    return np.zeros(int(n), dtype=np.int64)


def wait_all(
    futures: Sequence[Future],
    stop: np.ndarray,
    on_wait: Callable[[], None] | None = None,
) -> list[Any]:
    """The results of ``futures`` in order, waiting in steps of :data:`POLL_S` and
    calling ``on_wait()`` (if given) after each step and at the end; on any exception
    (Ctrl-C included) sets ``stop`` so that the kernels return, waits for them, and
    re-raises."""
    try:
        while wait(futures, timeout=POLL_S).not_done:
            if on_wait is not None:
                on_wait()
        if on_wait is not None:
            on_wait()
        return [f.result() for f in futures]
    except BaseException:
        stop[0] = 1
        wait(futures)
        raise


def interruptible(kernel: Callable[..., Any], *args: Any) -> Any:
    """``kernel(*args, stop)`` in a worker thread, on as many of numba's threads as the
    calling thread has, stopped by Ctrl-C (see the module).

    ``kernel`` must be compiled with ``nogil=True`` and read ``stop[0]`` in its loops.
    """
    stop = stop_flag()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return wait_all([pool.submit(_on_callers_threads(kernel), *args, stop)], stop)[0]


def _on_callers_threads(kernel: Callable[..., Any]) -> Callable[..., Any]:
    """``kernel`` on as many of numba's threads as the calling thread has
    (``numba.set_num_threads`` is per thread: a new thread starts with them all)."""
    threads = numba.get_num_threads()

    def call(*args: Any) -> Any:
        numba.set_num_threads(threads)
        return kernel(*args)

    return call


def in_own_thread(kernel: Callable[..., Any], *args: Any) -> Any:
    """``kernel(*args)`` in a short-lived worker thread: how compiled parallel work that
    has no stop flag is started.

    OpenMP gives every thread that starts parallel work a team of threads, which lives as
    long as that thread does. Once the teams' threads outnumber the cores, libgomp stops
    them spinning between parallel calls, and a network on several threads, which calls
    its threads at every time step, then waits for them to wake (about 10 µs a step, a
    quarter of a step at N = 10000 on two cores). Started from the main thread, parallel
    work would leave it such a team for good; in a thread of its own, the team ends with
    the thread. It runs on as many of numba's threads as the calling thread has. A Ctrl-C
    in the calling thread is raised when the call has returned.

    >>> in_own_thread(sum, [1, 2, 3])
    6
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_on_callers_threads(kernel), *args).result()
