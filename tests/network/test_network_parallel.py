"""One network on several threads: its neurons are split into blocks, and the numbers do
not depend on how many threads run them, nor on whether replicas or blocks are parallel."""

import itertools

import numba
import numpy as np
import pytest

from magsynapse.conditions import make_conditions
from magsynapse.network import Record, Stimulus, load_config, simulate_network
from magsynapse.network.backends.base import BLOCK, Wiring, n_blocks
from magsynapse.network.backends.numba_cpu import (
    COST_NEURON,
    COST_PLASTIC,
    COST_STATIC,
    balanced_runs,
    even_runs,
    split_threads,
)
from magsynapse.network.backends.numba_graph import build_connectivity

#: Three blocks, the last one partial.
N = 2 * BLOCK + 300

needs_two_threads = pytest.mark.skipif(
    numba.config.NUMBA_NUM_THREADS < 2, reason="numba has one thread here"
)


@pytest.mark.parametrize("wiring", [Wiring(0.02), Wiring(0.0, 80, 20)])
def test_block_pointers_split_every_row_by_target_block(wiring):
    """Row j's targets in block b are exactly out_block[j, b] … out_block[j, b + 1]
    (checked against a search of the sorted row)."""
    net = build_connectivity(N, round(0.8 * N), wiring, key=11)
    assert net.out_block.shape == (N, n_blocks(N) + 1) == (N, 4)
    edges = np.arange(n_blocks(N) + 1) * BLOCK
    for j in range(0, N, 37):
        row = net.out_post[net.out_ptr[j] : net.out_ptr[j + 1]]
        assert np.all(np.diff(row) > 0)
        expected = net.out_ptr[j] + np.searchsorted(row, edges)
        expected[-1] = net.out_ptr[j + 1]
        np.testing.assert_array_equal(net.out_block[j], expected)


def test_split_threads_prefers_the_larger_parallelism():
    assert split_threads(1, 1000, 2) == (1, 1)  # one block: nothing to split
    assert split_threads(1, N, 2) == (1, 2)
    assert split_threads(1, N, 8) == (1, 3)  # at most one thread per block
    assert split_threads(4, 100_000, 2) == (2, 1)  # replicas fill the threads
    assert split_threads(0, N, 2) == (1, 2)


def _blocks_of(parts):
    return [b for row in parts for b in [*range(row[0], row[1]), *range(row[2], row[3])]]


@pytest.mark.parametrize("n", [N, 4000, 10000])
@pytest.mark.parametrize("runs", [1, 2, 3])
def test_every_block_goes_to_one_thread(n, runs):
    net = build_connectivity(n, round(0.8 * n), Wiring(0.0, 80, 20), key=2)
    blocks = n_blocks(n)
    for parts in (balanced_runs(net.out_block, net.in_ptr, runs), even_runs(blocks, runs)):
        assert parts.shape == (runs, 4)
        assert sorted(_blocks_of(parts)) == list(range(blocks))
        assert all(len(_blocks_of([row])) >= 1 for row in parts)


def test_runs_round_the_ring_balance_where_runs_from_block_0_cannot():
    """N = 10000, in-degree 100: eight heavy excitatory blocks (their plastic synapses)
    and two light inhibitory ones. No cut of blocks 0 … 9 into two contiguous runs gives
    either thread less than 54 % of the work (searched here over every cut); runs that
    may wrap past the last block give each about half."""
    n = 10000
    net = build_connectivity(n, 8000, Wiring(0.0, 80, 20), key=1)
    edges = np.minimum(np.arange(n_blocks(n) + 1) * BLOCK, n)
    plastic = np.diff(net.in_ptr[edges])  # E→E synapses onto each block
    incoming = np.diff(edges) * 100
    weight = (
        COST_NEURON * np.diff(edges) + COST_PLASTIC * plastic + COST_STATIC * (incoming - plastic)
    )
    best_cut = min(max(weight[:c].sum(), weight[c:].sum()) for c in range(1, len(weight)))
    assert best_cut / weight.sum() > 0.54
    parts = balanced_runs(net.out_block, net.in_ptr, 2)
    loads = [weight[_blocks_of([row])].sum() for row in parts]
    assert max(loads) / weight.sum() < 0.51


def _run(cfg, threads, **kw):
    stimuli = (
        Stimulus(range(0, 400), 0.02, 0.08, rate=40.0, correlated=True),
        Stimulus(range(BLOCK - 50, BLOCK + 900), 0.05, 0.12, rate=30.0),
    )
    record = Record(rate_bin=10.0, spikes=True, rho_times=(0.05, 0.1))
    return simulate_network(
        cfg, T=0.15, threads=threads, stimuli=stimuli, record=record, seed=3, **kw
    )


def _assert_same(a, b):
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)


CONFIGS = {
    "mgnet, noisy efficacies": load_config("mgnet").replace(
        network={"N": N}, connectivity={"p": 0.03}, plasticity={"sigma": 2.8}
    ),
    "mgnet_adex": load_config("mgnet_adex").replace(network={"N": N}, connectivity={"p": 0.03}),
    "mgnet_k": load_config("mgnet_k").replace(network={"N": N}),
}


@needs_two_threads
@pytest.mark.parametrize("name", list(CONFIGS))
def test_one_network_gives_the_same_numbers_on_one_thread_and_on_two(name):
    cfg = CONFIGS[name]
    one = _run(cfg, 1, mg=1.0)
    two = _run(cfg, 2, mg=1.0)
    assert float(one.rate_E) > 0.5 and int((one.spike_i >= 0).sum()) > 100
    _assert_same(one, two)


@needs_two_threads
def test_noisy_efficacies_under_a_changing_mg_the_same_on_one_thread_and_on_two():
    """Without correlated stimuli, the threads meet once per step (a step's delivery
    joins the next step's advance), with the noisy efficacies' draws and a [Mg]o that
    changes at every step: the same numbers as on one thread."""
    cfg = CONFIGS["mgnet, noisy efficacies"]
    series = make_conditions(mg_o=[0.5, 2.0], dims=("time",), coords={"time": [0.0, 0.15]})
    stimuli = (Stimulus(range(BLOCK - 50, BLOCK + 900), 0.05, 0.12, rate=30.0),)
    record = Record(rate_bin=10.0, spikes=True, rho_times=(0.05, 0.1))
    kw = dict(conditions=series, T=0.15, stimuli=stimuli, record=record, seed=4)
    one = simulate_network(cfg, threads=1, **kw)
    two = simulate_network(cfg, threads=2, **kw)
    assert float(one.rate_E.mean()) > 0.5 and int((one.spike_i >= 0).sum()) > 100
    _assert_same(one, two)


@needs_two_threads
def test_replica_parallel_and_network_parallel_agree():
    """Two replicas on two threads run side by side; one alone on two threads is split
    by blocks: each replica's numbers are the same either way."""
    cfg = CONFIGS["mgnet, noisy efficacies"]
    batch = _run(cfg, 2, mg=[0.5, 1.0])
    alone = _run(cfg, 2, mg=0.5)
    sel = batch.sel(mg=0.5)
    n = int((alone.spike_i >= 0).sum())
    np.testing.assert_array_equal(sel.spike_i.values[:n], alone.spike_i.values[:n])
    for name in ("rate", "rho_mean", "rho_t", "rho_hist", "ca_load_E"):
        np.testing.assert_array_equal(sel[name].values, alone[name].values, err_msg=name)


def test_the_step_kernels_are_compiled_once_per_path():
    """numba compiles a function anew for every literal argument it meets (``0``,
    ``False``), and the step's kernels are the bulk of the engine's compile: they get
    typed counts and flags, so each block kernel is compiled twice at most (the threads'
    copy and the one-thread copy from a literal first block 0) and each pass once. Nine
    copies of the delivery once made the first compile take 8 minutes."""
    from magsynapse.network.backends import numba_cpu

    cfg = CONFIGS["mgnet_k"]
    record = Record(rho_times=(0.02,))
    for threads in (1, 2):
        simulate_network(cfg, mg=1.0, seed=1, T=0.04, threads=threads, record=record)
    if not numba_cpu._deliver_blocks.signatures:
        pytest.skip("the engine was loaded from numba's cache: nothing compiled here")
    assert len(numba_cpu._deliver_blocks.signatures) <= 2
    assert len(numba_cpu._advance_blocks.signatures) <= 2
    for kernel in (
        numba_cpu._advance,
        numba_cpu._deliver,
        numba_cpu._advance_parallel,
        numba_cpu._deliver_parallel,
        numba_cpu._steps_parallel,
    ):
        assert len(kernel.signatures) <= 1, kernel.py_func.__name__


#: The progress bars made in a test.
_BARS: list = []


class _Bar:
    """Stands for tqdm: keeps the count after each update."""

    def __init__(self, total, **_):
        self.total, self.n, self.seen = total, 0, []
        _BARS.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        return False

    def set_postfix_str(self, _):
        pass

    def update(self, k):
        self.n += k
        self.seen.append(self.n)


@pytest.mark.parametrize(
    ("threads", "mgs", "rho_times"),
    [
        (1, [1.0], ()),  # one thread
        (2, [1.0], ()),  # one network on two threads, its steps in one parallel call
        (2, [1.0], (0.01, 0.02)),  # ... in three, cut by the recordings of ρ
        (2, [0.5, 1.0, 2.0], ()),  # replicas side by side
    ],
)
@needs_two_threads
def test_progress_counts_every_step_once(monkeypatch, threads, mgs, rho_times):
    """The progress bar counts the steps done, summed over the replicas: never fewer
    than before, and at the end all of them (replicas × steps)."""
    from magsynapse.network import simulate
    from magsynapse.network.backends import RunPlan

    monkeypatch.setattr(simulate, "tqdm", _Bar)
    _BARS.clear()
    cfg = load_config("mgnet_k").replace(network={"N": N})
    rho_steps = np.array([round(t * 1e4) for t in rho_times], dtype=np.int64)
    plan = RunPlan(300, 100, False, rho_steps)
    mg_list = [np.array([m]) for m in mgs]
    simulate.run_replicas(cfg, mg_list, [1], plan, threads=threads, progress=True)
    [bar] = _BARS
    assert bar.total == len(mgs) * 300
    assert bar.seen and bar.seen[-1] == bar.total
    assert all(b >= a for a, b in itertools.pairwise(bar.seen))


@pytest.mark.parametrize("threads", [0, -1, 1.5, True, "2", numba.config.NUMBA_NUM_THREADS + 1])
def test_threads_outside_what_numba_has_are_refused(threads):
    from magsynapse.errors import MagsynapseError

    with pytest.raises(MagsynapseError, match="threads: an integer from 1 to"):
        simulate_network(load_config("mgnet").replace(network={"N": 50}), T=0.01, threads=threads)
