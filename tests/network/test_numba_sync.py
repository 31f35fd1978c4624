"""The counters by which a network's threads share its steps without a start per step."""

import numba
import numpy as np
import pytest

from magsynapse.network.backends.numba_sync import counters, ended, finish, take, wait_done


@numba.njit(parallel=True, nogil=True)
def _steps(n_steps, parts, workers, ended_before, by):
    """As the network's threads do: each worker tries its own part first, then the
    others; a task records how many tasks had ended when it started, and who ran it."""
    ctr = counters(parts, 0)
    for w in numba.prange(workers):
        for s in range(n_steps):
            for i in range(parts):
                r = (w + i) % parts
                if take(ctr, r, s):
                    ended_before[s, r] = ended(ctr)
                    by[s, r] = w
                    finish(ctr)
            wait_done(ctr, (s + 1) * parts)


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_a_step_starts_after_every_task_of_the_one_before(workers):
    """On one thread, on two, and with more workers than numba's threads (some of them
    then run one after another, and find every task of theirs done): every task runs
    once, and only once the previous step's tasks have ended."""
    n_steps, parts = 300, 4
    ended_before = np.full((n_steps, parts), -1, dtype=np.int64)
    by = np.full((n_steps, parts), -1, dtype=np.int64)
    previous = numba.get_num_threads()
    numba.set_num_threads(min(workers, numba.config.NUMBA_NUM_THREADS))
    try:
        _steps(n_steps, parts, workers, ended_before, by)
    finally:
        numba.set_num_threads(previous)
    steps = np.arange(n_steps)[:, None]
    assert np.all(by >= 0) and np.all(by < workers)
    assert np.all(ended_before >= steps * parts)
    assert np.all(ended_before < (steps + 1) * parts)  # no later task had ended


def test_a_task_is_taken_once_and_in_its_part_s_order():
    ctr = counters(2, 5)
    assert take(ctr, 0, 5) and not take(ctr, 0, 5)  # taken once
    assert not take(ctr, 1, 6)  # step 5 of part 1 not yet taken
    assert take(ctr, 1, 5) and take(ctr, 1, 6)
    assert ended(ctr) == 0
    finish(ctr)
    assert ended(ctr) == 1
