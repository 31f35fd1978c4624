"""Ctrl-C stops long compiled loops at once: the network engine, the stepped and the
linear calcium of the synapse layer, the body's solver. Each long run is interrupted
(as a Ctrl-C does: ``_thread.interrupt_main``) a second after it starts, after a short
run of the same kind has compiled its kernels; it must raise KeyboardInterrupt within
two seconds, where running on would take minutes."""

from __future__ import annotations

import _thread
import itertools
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
import pytest

from magsynapse.body import make_regimen, simulate
from magsynapse.interrupt import (
    in_own_thread,
    interruptible,
    progress_counter,
    report,
    stop_flag,
    stopped,
    wait_all,
)
from magsynapse.network import load_config, simulate_network
from magsynapse.synapse import stdp

MGNET = load_config("mgnet")
RUNS = {
    "network": (
        lambda: simulate_network(MGNET.replace(network={"N": 100}), T=0.01),
        lambda: simulate_network(MGNET, T=1000.0),
    ),
    "stepped calcium": (
        lambda: stdp([10.0], mg=1.0, pairs=2, calcium="nmda_voltage", parameter_set="DP_nmda"),
        lambda: stdp(
            [10.0], mg=1.0, pairs=300_000, calcium="nmda_voltage", parameter_set="DP_nmda"
        ),
    ),
    "body solver": (
        lambda: simulate(make_regimen("oxide", dose="1g/day", days=2), samples=2, seed=1),
        lambda: simulate(
            make_regimen("oxide", dose="1g/day", days=36_500), samples=20, seed=1, step_h=240.0
        ),
    ),
}


def _interrupted_after(delay: float, run) -> float:
    """Seconds from a Ctrl-C sent ``delay`` s into ``run()`` to its KeyboardInterrupt.

    CPython may raise a signal's KeyboardInterrupt inside a weakref or ``__del__``
    callback, where it is printed as unraisable and dropped, as it would drop a user's
    Ctrl-C; when that happens the Ctrl-C is sent again (as a user presses it again), and
    the time still counts from the first."""
    sent = []
    done, dropped = threading.Event(), threading.Event()
    hook = sys.unraisablehook

    def watch(unraisable):
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            dropped.set()
        else:
            hook(unraisable)

    def ctrl_c():
        if done.wait(delay):
            return
        sent.append(time.perf_counter())
        _thread.interrupt_main()
        while not done.is_set():
            if dropped.wait(0.05):
                dropped.clear()
                _thread.interrupt_main()

    # Python's own SIGINT handler, as in a fresh process: a library run by an earlier test
    # in this process may have replaced it, and interrupt_main does nothing then
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.unraisablehook = watch
    sender = threading.Thread(target=ctrl_c, daemon=True)
    sender.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run()
    finally:
        done.set()
        sender.join()
        sys.unraisablehook = hook
        signal.signal(signal.SIGINT, previous)
    assert sent, "the run ended before the interrupt"
    return time.perf_counter() - sent[0]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(RUNS))
def test_ctrl_c_stops_a_long_run_within_two_seconds(name):
    warm, long_run = RUNS[name]
    warm()
    assert _interrupted_after(1.0, long_run) < 2.0


@numba.njit(nogil=True)
def _count_to(n, out, stop):  # pragma: no cover - compiled
    for _ in range(n):  # like the kernels: the flag is read at every step beside stores
        if stopped(stop):
            break
        out[0] += 1.0
    return out[0]


def test_interruptible_returns_the_kernels_result():
    assert interruptible(_count_to, 10, np.zeros(1)) == 10.0


def test_ctrl_c_sets_the_flag_and_the_kernel_returns_at_once():
    _count_to(1, np.zeros(1), np.zeros(1, np.uint8))  # compiled before the clock starts
    n = 10**12  # many minutes of counting unless the flag stops it
    out = np.zeros(1)
    assert _interrupted_after(0.3, lambda: interruptible(_count_to, n, out)) < 1.0
    assert 0 < out[0] < n


def test_in_own_thread_runs_on_the_callers_thread_count():
    """numba's thread count is per thread; work handed to a worker keeps the caller's."""
    seen = []

    def caller():
        numba.set_num_threads(1)
        seen.append(in_own_thread(numba.get_num_threads))
        seen.append(interruptible(lambda stop: numba.get_num_threads()))

    t = threading.Thread(target=caller)
    t.start()
    t.join()
    assert seen == [1, 1]


_TEAMS_LEFT = """
import os, threading, time, numba
from magsynapse.body import make_regimen, simulate
from magsynapse.network.backends.base import Wiring
from magsynapse.network.backends.numba_graph import build_connectivity
from magsynapse.synapse import stdp
def native():  # threads that are not Python's: OpenMP's among them
    return len(os.listdir("/proc/self/task")) - threading.active_count()
numba.get_num_threads()
before = native()
build_connectivity(3000, 2400, Wiring(0.0, 80, 20), key=1, threads=2)
simulate(make_regimen("oxide", dose="1g/day", days=2), samples=4, seed=1)
stdp([10.0, -10.0], mg=1.0, method="stochastic", reps=20, seed=1)
for _ in range(200):  # a finished team's threads end soon after their thread, not at once
    after = native()
    if after == before:
        break
    time.sleep(0.05)
print(before, after)
"""


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="numba has one thread here")
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/task")
def test_parallel_work_leaves_the_caller_no_openmp_team():
    """The network's builder, the body's solver and the stochastic synapses run their
    parallel kernels in threads of their own (:func:`in_own_thread`), whose OpenMP teams
    end with them: a team left to the main thread would make libgomp's threads sleep
    between the steps of any later network run on several threads (the teams would then
    outnumber the cores)."""
    out = subprocess.run(
        [sys.executable, "-c", _TEAMS_LEFT], capture_output=True, text=True, check=True
    )
    before, after = map(int, out.stdout.split()[-2:])
    assert after == before


@numba.njit(nogil=True)
def _count_slowly(n, done, stop):  # pragma: no cover - compiled
    x = 0.0
    for i in range(n):
        if stopped(stop):
            break
        for k in range(20_000):  # some work per step
            x += np.sqrt(k + i)
        report(done, i + 1)
    return x


def test_the_waiting_thread_sees_the_kernel_progress():
    """A kernel in a worker thread reports its steps (an atomic store); the waiting thread
    reads them at each of its polls and once more at the end, where it sees them all."""
    seen, done, stop = [], progress_counter(1), stop_flag()
    _count_slowly(2, done, stop)  # compile
    done[0] = 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        futures = [pool.submit(_count_slowly, 20_000, done, stop)]
        wait_all(futures, stop, lambda: seen.append(int(done[0])))
    assert len(seen) >= 2 and seen[-1] == 20_000
    assert all(b >= a for a, b in itertools.pairwise(seen))
    assert seen[0] < 20_000  # seen while it ran, not only at the end
