"""Threads that meet without a launch: atomic counters for compiled code.

A network on several threads (:mod:`.numba_cpu`) used to start numba's threads once per
time step, and a start costs thousands of cycles (numba's own floor is 1–3 thousand, more
when the machine is busy), about a twentieth of a step at N = 10000. Started once for
many steps instead, the threads share the steps' work among themselves through a shared
``int64`` array of counters (:func:`counters`). A step's work is cut into parts, the same
at every step; task (s, r) is part r of step s.

* Each part has the number of its next step not yet taken: a thread takes task (s, r)
  by moving it from s to s + 1 (:func:`take`, an atomic compare-and-swap), so a task is
  taken once.
* ``done`` counts the tasks that have ended (:func:`finish` adds one, :func:`wait_done`
  waits for a number, :func:`ended` reads it).

Thread w takes its own part w of a step first, then any part of the step that is not yet
taken, then waits until every task of the step has ended before it goes on to the next.
Its part thus stays on its core from step to step (with its neurons in that core's
caches), and a thread that is late finds its part done by another. Every thread tries
every part of a step before it waits for the step, so the tasks it waits for are all in
the hands of running threads, and the steps go on however many of the threads the
machine runs at once: one thread alone does every task in turn. A waiting thread spins,
and after :data:`SPINS` turns yields its core (``sched_yield``), for when the threads
outnumber the cores.

The counters are read only through these functions (atomic loads): to numba, a plain
``ctr[i]`` in a ``prange`` body reads an array that the body never writes, and it may be
moved out of the loop.

>>> import numba, numpy as np
>>> @numba.njit(parallel=True)
... def steps(n_steps, parts, out):
...     ctr = counters(parts, 0)
...     for w in numba.prange(2):
...         for s in range(n_steps):
...             for i in range(parts):
...                 r = (w + i) % parts  # its own part first
...                 if take(ctr, r, s):
...                     out[s, r] = s
...                     finish(ctr)
...             wait_done(ctr, (s + 1) * parts)
>>> out = np.full((4, 3), -1)
>>> steps(4, 3, out)
>>> out.tolist()
[[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]]
"""

from __future__ import annotations

import sys

import numba as nb
import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

#: Turns a waiting thread spins before it yields its core.
SPINS = 2000

#: Counters are this many int64 apart (a cache line each): ``done`` first, then each
#: part's next step.
_LINE = 8


def _int64_array(arr):
    return isinstance(arr, types.Array) and arr.dtype == types.int64 and arr.ndim == 1


def _place(context, builder, signature, args):
    """The address of ``arr[idx]`` (the first two arguments)."""
    a = context.make_array(signature.args[0])(context, builder, args[0])
    i = context.cast(builder, args[1], signature.args[1], types.intp)
    return builder.gep(a.data, [i])


@intrinsic
def _fetch_add(typingctx, arr, idx):
    """``arr[idx] += 1`` as one atomic operation (sequentially consistent)."""
    if not (_int64_array(arr) and isinstance(idx, types.Integer)):
        return None
    sig = types.int64(arr, idx)

    def codegen(context, builder, signature, args):
        ptr = _place(context, builder, signature, args)
        return builder.atomic_rmw("add", ptr, ir.Constant(ir.IntType(64), 1), "seq_cst")

    return sig, codegen


@intrinsic
def _swap_if(typingctx, arr, idx, expected, new):
    """``arr[idx] = new`` if it is ``expected``, as one atomic operation (sequentially
    consistent); whether it was."""
    if not (
        _int64_array(arr)
        and isinstance(idx, types.Integer)
        and isinstance(expected, types.Integer)
        and isinstance(new, types.Integer)
    ):
        return None
    sig = types.boolean(arr, idx, expected, new)

    def codegen(context, builder, signature, args):
        ptr = _place(context, builder, signature, args)
        old = context.cast(builder, args[2], signature.args[2], types.int64)
        val = context.cast(builder, args[3], signature.args[3], types.int64)
        pair = builder.cmpxchg(ptr, old, val, "seq_cst", "seq_cst")
        return builder.extract_value(pair, 1)

    return sig, codegen


@intrinsic
def _load_acquire(typingctx, arr, idx):
    """``arr[idx]``, read with an atomic (acquire) load: the writes made before the store
    it reads are seen, and the load is never moved out of a loop."""
    if not (_int64_array(arr) and isinstance(idx, types.Integer)):
        return None
    sig = types.int64(arr, idx)

    def codegen(context, builder, signature, args):
        return builder.load_atomic(_place(context, builder, signature, args), "acquire", 8)

    return sig, codegen


#: The C library's call that gives the core to another thread.
_YIELD = "SwitchToThread" if sys.platform == "win32" else "sched_yield"


@intrinsic
def _yield_core(typingctx):
    """Give this thread's core to another ready thread (``sched_yield``)."""
    sig = types.int32()

    def codegen(context, builder, signature, args):
        fnty = ir.FunctionType(ir.IntType(32), [])
        fn = cgutils.get_or_insert_function(builder.module, fnty, _YIELD)
        return builder.call(fn, [])

    return sig, codegen


@nb.njit(cache=True, nogil=True)
def counters(parts, first):  # pragma: no cover - compiled
    """Fresh counters for ``parts`` parts a step, from step ``first``: no task taken or
    ended."""
    ctr = np.zeros((parts + 1) * _LINE, dtype=np.int64)
    for r in range(parts):
        ctr[(r + 1) * _LINE] = first
    return ctr


@nb.njit(cache=True, nogil=True, inline="always")
def take(ctr, part, step):  # pragma: no cover - compiled
    """Take task (``step``, ``part``) for this thread: whether it was still to take (the
    part's earlier steps must have been taken)."""
    return _swap_if(ctr, (part + 1) * _LINE, step, step + 1)


@nb.njit(cache=True, nogil=True, inline="always")
def finish(ctr):  # pragma: no cover - compiled
    """Count a task as ended; everything the thread wrote before is then seen by a thread
    whose :func:`wait_done` returns on this count."""
    _fetch_add(ctr, 0)


@nb.njit(cache=True, nogil=True, inline="always")
def ended(ctr):  # pragma: no cover - compiled
    """How many tasks have ended."""
    return _load_acquire(ctr, 0)


@nb.njit(cache=True, nogil=True)
def wait_done(ctr, n):  # pragma: no cover - compiled
    """Wait until ``n`` tasks have ended (spinning, then yielding the core)."""
    spins = 0
    while ended(ctr) < n:
        spins += 1
        if spins >= SPINS:
            _yield_core()
            spins = 0
