"""In-silico trials: many replicates of a design, each analysed as published.

A replicate enrols the design's people (:func:`.cohort.draw_covariates` with its
inclusion criteria), randomises them 1:1 in permuted blocks, doses the treated arm by
body weight, runs everyone through the mechanism (:func:`.mechanism.simulate_people`),
scores the tests at every visit (:mod:`.cognition`), lets people drop out, and analyses
the completers as the trial did: ANCOVA on change from baseline of the primary outcome
at the primary visit, Cohen's d with its interval, and p (:func:`.analysis.ancova`).

Random streams (root seed ``seed``): person j of replicate r draws covariates, body
priors, dropout and test errors from entities ``(replicate=r, subject=j)``; the slow
layer's priors, the tests' reliabilities, the practice scale and the placebo response
are drawn once per replicate (``replicate=r``): uncertainty about biology and tests is
shared by everyone in a trial. A replicate's numbers therefore do not depend on which
other replicates run with it, in what batch or on which worker.

``effect=False`` runs the treated arm without its supplement (everything else equal):
the predicted d is then centred on zero and p < α in a share α of replicates.
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
from scipy import stats
from tqdm.auto import tqdm

from .. import __version__
from ..errors import MagsynapseError
from ..parallel import check_scheduler, dask_client
from ..random import check_seed, generator
from ..results import annotate, load, save
from ..slow import PATHWAYS, get_pathways
from .analysis import ancova
from .cognition import (
    DEFAULT_TESTS,
    PLACEBO,
    TESTS,
    brain_age,
    composite,
    expected_scores,
    observed_scores,
)
from .cohort import draw_covariates
from .design import Design
from .mechanism import default_emulator, reference_links, simulate_people

#: Replicates per task on dask (and per batch in one process).
CHUNK = 25
#: Practice effects scale: the Calamia equation's prediction × this factor (log-normal,
#: geometric SD 1.5), drawn per replicate: the equation's scatter between studies.
PRACTICE_GSD = 1.5
PARTIAL = ".partial-"
#: Each person's states and readouts at a visit kept in trial and cohort results.
PERSON_VARIABLES = (
    "mg_o",
    "f_2b",
    "synapse_density",
    "recall",
    "persistence",
    "slow_wave",
    "emulator_outside",
)


def _blocks(seed: int, replicate: int, n: int, block: int) -> np.ndarray:
    """1:1 permuted-block allocation (True: treated) of ``n`` people."""
    out = []
    b = 0
    while len(out) < n:
        rng = generator(seed, "randomisation", replicate=replicate, block=b)
        arms = np.array([True] * (block // 2) + [False] * (block // 2))
        out.extend(rng.permutation(arms).tolist())
        b += 1
    return np.array(out[:n])


def simulate_replicates(
    design: Design,
    replicates: Sequence[int],
    *,
    seed: int,
    effect: bool = True,
    pathways: str | Sequence[str] = tuple(PATHWAYS),
) -> xr.Dataset:
    """Replicates ``replicates`` of ``design`` (people, scores, analysis), in one batch.

    Parameters
    ----------
    design : Design
        From :func:`.design.load_design`.
    replicates : sequence of int
        Replicate numbers (their streams).
    seed : int
        Root seed.
    effect : bool
        False: the treated arm gets no supplement (a null trial).
    pathways : str or sequence
        Active slow pathways (:data:`magsynapse.slow.PATHWAYS`; default all).

    Returns
    -------
    xarray.Dataset
        Over (``replicate``, ``subject``, ``visit``, ``test``): covariates, arm,
        completer, readouts, scores, composite and brain age; over ``replicate``: the
        analysis (``d``, ``d_ci_low``, ``d_ci_high``, ``p``, ``effect``, ...).
    """
    seed = check_seed(seed)
    reps = [int(r) for r in replicates]
    n = design.enrolled
    ents = [{"replicate": r, "subject": j} for r in reps for j in range(n)]
    pop = design.population
    cov = draw_covariates(
        len(ents),
        seed,
        age=pop.age,
        female_fraction=pop.female_fraction,
        inclusion=pop.inclusion,
        entities=ents,
    )
    treated = np.concatenate([_blocks(seed, r, n, design.block) for r in reps])
    completer = np.array(
        [generator(seed, "dropout", **e).uniform() < design.completion for e in ents]
    )
    regimens = [
        design.treated.regimen(float(w), design.days) if (t and effect) else None
        for w, t in zip(cov.weight.values, treated, strict=True)
    ]
    visit_days = np.array(design.visits) * 7.0
    people = simulate_people(
        cov,
        regimens,
        visit_days,
        seed=seed,
        body_entities=ents,
        slow_entities=[{"replicate": e["replicate"]} for e in ents],
        days=design.days,
        pathways=pathways,
        emulator=default_emulator(),
    )
    tests = list(design.tests)
    scores, readout_age = score_tests(
        tests, people, cov.age.values, visit_days, seed=seed, entities=ents
    )
    n_vis = len(visit_days)
    out = xr.Dataset(coords={"subject": np.arange(n), "visit": np.array(design.visits)})
    shape = (len(reps), n)
    for name in cov.data_vars:
        out[name] = (("replicate", "subject"), cov[name].values.reshape(shape), cov[name].attrs)
    out["treated"] = (("replicate", "subject"), treated.reshape(shape))
    out["completer"] = (("replicate", "subject"), completer.reshape(shape))
    for name in PERSON_VARIABLES:
        out[name] = (
            ("replicate", "subject", "visit"),
            people[name].values.reshape(*shape, n_vis),
            people[name].attrs,
        )
    out["score"] = (
        ("replicate", "subject", "visit", "test"),
        scores.reshape(*shape, n_vis, -1),
        {"long_name": "test score"},
    )
    out["readout_age"] = (
        ("replicate", "subject", "visit", "test"),
        readout_age.reshape(*shape, n_vis, -1),
        {"units": "y", "long_name": "age at which the norm equals the readout"},
    )
    out = out.assign_coords(replicate=reps, test=tests)
    out = _analyse(out, design)
    return out


def score_tests(
    tests: Sequence[str],
    people: xr.Dataset,
    age: np.ndarray,
    visit_days: np.ndarray,
    *,
    seed: int,
    entities: Sequence[dict],
) -> tuple[np.ndarray, np.ndarray]:
    """Observed scores (person, visit, test) and readout ages of people at visits.

    Each person's trait and occasion errors come from (seed, ``"measurement"``, their
    entities); the tests' reliabilities, the practice scale and the placebo response
    from (seed, ``"trial_prior"``, replicate) — every person of a replicate shares them
    (people without a ``replicate`` entity share replicate 0's).
    """
    n_vis = len(visit_days)
    reps = sorted({int(e.get("replicate", 0)) for e in entities})
    links = reference_links(seed, reps)
    rep_draws = {}
    for r in reps:
        rng = generator(seed, "trial_prior", replicate=r)
        rel = {t: float(TESTS[t].reliability.sample(rng, 1)[0]) for t in tests}
        practice = float(np.exp(np.log(PRACTICE_GSD) * rng.standard_normal()))
        placebo = PLACEBO.sample(rng, max(n_vis - 1, 0))
        rep_draws[r] = (rel, practice, placebo)
    noise = [generator(seed, "measurement", **e) for e in entities]
    trait = np.array([g.standard_normal(len(tests)) for g in noise])
    error = np.array([g.standard_normal((n_vis, len(tests))) for g in noise])
    rep_of = np.array([int(e.get("replicate", 0)) for e in entities])
    interval_y = (visit_days - visit_days[0]) / 365.25
    scores = np.empty((len(entities), n_vis, len(tests)))
    readout_age = np.empty_like(scores)
    for i, t in enumerate(tests):
        test = TESTS[t]
        values = people[test.readout].values
        r_age, mean = np.empty_like(values), np.empty_like(values)
        for r in reps:
            rows = rep_of == r
            r_age[rows], mean[rows] = expected_scores(test, values[rows], links[r], age[rows, None])
        readout_age[:, :, i] = r_age
        rel = np.array([rep_draws[r][0][t] for r in rep_of])[:, None]
        scale = np.array([rep_draws[r][1] for r in rep_of])[:, None]
        plac = np.array([np.concatenate([[0.0], rep_draws[r][2]]) for r in rep_of])
        gain = test.practice.gain(age[:, None], interval_y[None, :]) * scale
        gain[:, 0] = 0.0
        scores[:, :, i] = observed_scores(
            test,
            r_age,
            trait[:, i][:, None],
            error[:, :, i],
            rel,
            gain + plac,
            expected=mean if test.relative else None,
        )
    return scores, readout_age


def _brain_age_shift(tmt: np.ndarray, treated: np.ndarray, k: int) -> float:
    """Change of the brain age of the treated arm's mean TMT-B minus the control's
    (years; negative: the treated arm's mean score moved to a younger norm age)."""

    def change(rows):
        return float(brain_age(tmt[rows, k].mean()) - brain_age(tmt[rows, 0].mean()))

    return change(treated) - change(~treated)


def _analyse(ds: xr.Dataset, design: Design) -> xr.Dataset:
    """Composite, brain age and the published analysis of every replicate."""
    tests = list(ds.test.values)
    k = list(ds.visit.values).index(design.visit)
    comp = np.empty(ds.score.shape[:3])
    rows = []
    for i in range(ds.sizes["replicate"]):
        s = ds.score.isel(replicate=i)
        done = ds.completer.isel(replicate=i).values
        base = {t: s.sel(test=t).isel(visit=0).values[done] for t in tests}
        comp[i] = composite({t: s.sel(test=t).values for t in tests}, base)
        g = ds.treated.isel(replicate=i).values[done]
        y = comp[i] if design.primary == "composite" else s.sel(test=design.primary).values
        res = ancova(y[done, 0], y[done, k], g, alpha=design.alpha)
        extra = {}
        if "tmt_b" in tests:
            tmt = s.sel(test="tmt_b").values
            extra["tmt_b_change"] = ancova(tmt[done, 0], tmt[done, k], g).effect
            extra["brain_age_shift"] = _brain_age_shift(tmt[done], g, k)
        rows.append({**res.as_dict(), **extra})
    ds["composite"] = (
        ("replicate", "subject", "visit"),
        comp,
        {
            "units": "1",
            "long_name": (
                "composite score (mean z-score over the tests against baseline, higher is better)"
            ),
        },
    )
    ds.composite.attrs.update(units="1", long_name="mean z over the tests (higher is better)")
    if "tmt_b" in tests:
        ds["brain_age"] = (
            ("replicate", "subject", "visit"),
            brain_age(ds.score.sel(test="tmt_b").values),
            {"units": "y", "long_name": "age at which the TMT-B norm equals the score"},
        )
    for key in rows[0]:
        ds[key] = ("replicate", np.array([r[key] for r in rows]))
    ds.d.attrs.update(units="1", long_name="Cohen's d of the primary outcome (treated - control)")
    ds.p.attrs.update(units="1", long_name="two-sided p of the ANCOVA's treatment effect")
    if "tmt_b_change" in ds:
        ds.tmt_b_change.attrs.update(units="s", long_name="adjusted difference of TMT-B change")
        ds.brain_age_shift.attrs.update(
            units="y", long_name="brain-age change of the arms' mean TMT-B, treated - control"
        )
    ds.score.attrs.update(long_name="test score (units per test: see attrs test_units)")
    ds.score.attrs["test_units"] = json.dumps({t: TESTS[t].unit for t in tests})
    return ds


def _key(design: Design, seed: int, effect: bool, pathways=tuple(PATHWAYS)) -> str:
    spec = {
        "design": design.to_dict(),
        "seed": seed,
        "effect": effect,
        "pathways": [p.name for p in get_pathways(pathways)],
        "version": __version__,
    }
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _chunk_path(folder: Path, key: str, first: int, last: int) -> Path:
    return folder / f"trial_{key}_{first}-{last}.nc"


def run_chunk(
    design: Design, reps: list[int], seed: int, effect: bool, folder: str, pathways
) -> str:
    """One task: replicates ``reps`` written to their chunk file (skipped if there)."""
    path = _chunk_path(Path(folder), _key(design, seed, effect, pathways), reps[0], reps[-1])
    if path.exists():
        return str(path)
    ds = simulate_replicates(design, reps, seed=seed, effect=effect, pathways=pathways)
    fd, tmp = tempfile.mkstemp(prefix=PARTIAL, suffix=".nc", dir=folder)
    os.close(fd)
    save(ds, tmp)
    os.replace(tmp, path)
    return str(path)


def run_trial(
    design: Design,
    replicates: int = 200,
    *,
    seed: int,
    effect: bool = True,
    scheduler: str = "none",
    workers: int = 2,
    work_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
    pathways: str | Sequence[str] = tuple(PATHWAYS),
) -> xr.Dataset:
    """``replicates`` replicates of ``design``, summarised.

    Parameters
    ----------
    design : Design
        The design (``design.with_size(n)`` for another size).
    replicates : int
        Trial replicates.
    seed : int
        Root seed.
    effect : bool
        False: a null trial (the supplement switched off).
    scheduler : str
        ``"none"`` (this process), ``"local"`` (a dask LocalCluster of ``workers``
        processes) or ``tcp://HOST:PORT``.
    workers : int
        Workers of the local cluster.
    work_dir : path, optional
        Folder of the finished chunks (default: none kept in-process; a temporary one
        on dask). A re-run with the same folder resumes: chunks already written are read.
    progress : bool
        Show a progress bar of replicates done.
    pathways : str or sequence
        Active slow pathways (default all).

    Returns
    -------
    xarray.Dataset
        As :func:`simulate_replicates` over every replicate, plus ``power`` and the
        predicted-versus-published summary in ``summary`` (JSON attribute).
    """
    seed = check_seed(seed)
    if not (isinstance(replicates, int) and replicates >= 1):
        raise MagsynapseError(f"replicates: must be an integer >= 1 (got {replicates!r})")
    check_scheduler(scheduler, extra=("none",))
    chunks = [list(range(i, min(i + CHUNK, replicates))) for i in range(0, replicates, CHUNK)]
    bar = tqdm(total=replicates, desc="trial replicates", unit="rep", disable=not progress)
    parts: list[xr.Dataset] = []
    key = _key(design, seed, effect, pathways)
    folder = Path(work_dir) if work_dir is not None else None
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MagsynapseError(
                f"work_dir: cannot create {str(folder)!r}: {exc.strerror}"
            ) from None
    if scheduler == "none":
        for reps in chunks:
            path = _chunk_path(folder, key, reps[0], reps[-1]) if folder else None
            if path is not None and path.exists():
                parts.append(load(path))
            elif folder is not None:
                parts.append(load(run_chunk(design, reps, seed, effect, str(folder), pathways)))
            else:
                parts.append(
                    simulate_replicates(design, reps, seed=seed, effect=effect, pathways=pathways)
                )
            bar.update(len(reps))
    else:
        parts = _on_dask(design, chunks, seed, effect, pathways, scheduler, workers, folder, bar)
    bar.close()
    ds = (
        xr.concat(
            parts,
            dim="replicate",
            data_vars="minimal",
            coords="minimal",
            compat="override",
            join="override",
        )
        if len(parts) > 1
        else parts[0]
    )
    return summarise(ds, design, seed=seed, effect=effect, pathways=pathways)


def _on_dask(
    design, chunks, seed, effect, pathways, scheduler, workers, folder, bar
) -> list[xr.Dataset]:
    from distributed import as_completed

    tmp = None
    if folder is None:
        tmp = tempfile.TemporaryDirectory(prefix="magsynapse-trial-")
        folder = Path(tmp.name)
    key = _key(design, seed, effect, pathways)
    todo = [c for c in chunks if not _chunk_path(folder, key, c[0], c[-1]).exists()]
    bar.update(sum(len(c) for c in chunks) - sum(len(c) for c in todo))
    if todo:
        with dask_client(scheduler, workers) as client:
            futures = {
                client.submit(
                    run_chunk, design, c, seed, effect, str(folder), pathways, pure=False
                ): c
                for c in todo
            }
            for future in as_completed(futures):
                future.result()
                bar.update(len(futures[future]))
    parts = [load(_chunk_path(folder, key, c[0], c[-1])) for c in chunks]
    parts = [p.load() for p in parts]
    if tmp is not None:
        tmp.cleanup()
    return parts


def summarise(
    ds: xr.Dataset,
    design: Design,
    *,
    seed: int,
    effect: bool,
    pathways: str | Sequence[str] = tuple(PATHWAYS),
) -> xr.Dataset:
    """Power, the predicted d's median and 90 % interval, and the published values."""
    d = ds.d.values
    p = ds.p.values
    favour = (p < design.alpha) & (d > 0)
    summary: dict[str, Any] = {
        "replicates": int(ds.sizes["replicate"]),
        "d_median": float(np.median(d)),
        "d_90": [float(np.quantile(d, 0.05)), float(np.quantile(d, 0.95))],
        "power": float(favour.mean()),
        "significant_either_way": float((p < design.alpha).mean()),
        "emulator_outside_share": float(ds.emulator_outside.mean()),
    }
    for key in ("tmt_b_change", "brain_age_shift"):
        if key in ds:
            v = ds[key].values
            v = v[np.isfinite(v)]  # brain age: an arm's mean beyond the norms' ages
            summary[f"{key}_replicates"] = int(v.size)
            if v.size:
                summary[f"{key}_median"] = float(np.median(v))
                summary[f"{key}_90"] = [float(np.quantile(v, 0.05)), float(np.quantile(v, 0.95))]
    pub = design.published
    n1 = int(ds.treated.where(ds.completer).sum("subject").median())
    n0 = int((~ds.treated).where(ds.completer).sum("subject").median())
    df = max(n1 + n0 - 3, 1)
    # the smallest |d| a trial of this size declares significant (two-sided t)
    summary["d_significant"] = float(
        stats.t.ppf(1 - design.alpha / 2, df) * np.sqrt(1 / n1 + 1 / n0)
    )
    if "p" in pub:
        summary["published_p"] = str(pub["p"])
    if "d" in pub:
        lo, hi = summary["d_90"]
        summary["published_d"] = float(pub["d"])
        summary["published_inside_90"] = bool(lo <= float(pub["d"]) <= hi)
        summary["share_at_least_published"] = float((d >= float(pub["d"])).mean())
    ds["power"] = ((), summary["power"])
    ds.power.attrs.update(
        units="1",
        long_name=f"share of replicates with p < {design.alpha:g} favouring the treated arm",
    )
    return annotate(
        ds,
        title=f"In-silico trial: {design.title or design.name}",
        config={
            "design": design.to_dict(),
            "effect": effect,
            "pathways": [p.name for p in get_pathways(pathways)],
            "replicates": int(ds.sizes["replicate"]),
            "emulator": "network readouts from magsynapse.network.emulator (people ranges)",
        },
        parameter_sets=[],
        references={design.source, "calamia_2012", "tombaugh_2004"}
        | {TESTS[t].norm.source for t in design.tests}
        | {TESTS[t].reliability.source for t in design.tests},
        seed=seed,
    ).assign_attrs(summary=json.dumps(summary))


def power_curve(
    design: Design,
    sizes: Sequence[int],
    replicates: int = 200,
    *,
    seed: int,
    effect: bool = True,
    progress: bool = True,
) -> xr.Dataset:
    """Power versus the number enrolled: replicates of the largest size, each analysed
    on its first n people for every n (permuted blocks keep every prefix balanced).

    Returns ``power`` and ``d_median`` over ``n``.
    """
    sizes = sorted({int(s) for s in sizes})
    if not sizes or sizes[0] < 4:
        raise MagsynapseError("n: sizes must be integers >= 4")
    big = design.with_size(sizes[-1])
    full = run_trial(big, replicates, seed=seed, effect=effect, progress=progress)
    power, med = [], []
    for n in sizes:
        part = full.isel(subject=slice(0, n))
        sub = _analyse(part, big.with_size(n))
        power.append(float(((sub.p < big.alpha) & (sub.d > 0)).mean()))
        med.append(float(sub.d.median()))
    out = xr.Dataset(
        {
            "power": (
                "n",
                power,
                {"units": "1", "long_name": "share significant, favouring treated"},
            ),
            "d_median": ("n", med, {"units": "1", "long_name": "median predicted d"}),
        },
        coords={"n": sizes},
    )
    out.n.attrs.update(units="1", long_name="people enrolled")
    return annotate(
        out,
        title=f"Power versus size: {design.title or design.name}",
        config={"design": design.to_dict(), "replicates": replicates, "effect": effect},
        parameter_sets=[],
        references={design.source},
        seed=seed,
    )


#: People per task of a cohort on dask.
COHORT_CHUNK = 2000


def cohort_people(
    subjects: Sequence[int],
    *,
    age: tuple[float, float],
    seed: int,
    female_fraction: float,
    inclusion: dict[str, tuple[float, float]] | None,
    tests: Sequence[str],
) -> xr.Dataset:
    """People ``subjects`` of a cohort at baseline: covariates, states, readouts and
    scores (one task; the composite needs the whole cohort)."""
    ents = [{"subject": int(k)} for k in subjects]
    n = len(ents)
    cov = draw_covariates(
        n, seed, age=age, female_fraction=female_fraction, inclusion=inclusion, entities=ents
    )
    people = simulate_people(
        cov,
        [None] * n,
        [0.0],
        seed=seed,
        body_entities=ents,
        slow_entities=[{"replicate": 0}] * n,
        days=1.0,
        emulator=default_emulator(),
    )
    scores, readout_age = score_tests(
        list(tests), people, cov.age.values, np.array([0.0]), seed=seed, entities=ents
    )
    ds = cov.copy()
    for name in ("release_probability", *PERSON_VARIABLES):
        ds[name] = ("subject", people[name].values[:, 0], people[name].attrs)
    ds = ds.assign_coords(subject=np.asarray(subjects, dtype=int), test=list(tests))
    ds["score"] = (("subject", "test"), scores[:, 0, :])
    ds["readout_age"] = (
        ("subject", "test"),
        readout_age[:, 0, :],
        {"units": "y", "long_name": "age at which the norm equals the readout"},
    )
    return ds


def cohort(
    n: int,
    *,
    age: tuple[float, float] = (50.0, 70.0),
    seed: int,
    female_fraction: float = 0.5,
    inclusion: dict[str, tuple[float, float]] | None = None,
    tests: Sequence[str] = DEFAULT_TESTS,
    scheduler: str = "none",
    workers: int = 2,
    progress: bool = False,
) -> xr.Dataset:
    """A virtual cohort at baseline: covariates, slow states, emulated readouts, test
    scores, composite and brain age of ``n`` people (no supplement).

    Person k's numbers come from the entities ``(subject=k)`` alone; the slow priors
    and test reliabilities are shared by the cohort (replicate 0). With a ``scheduler``
    (``"local"`` or ``tcp://HOST:PORT``) the people run in tasks of
    :data:`COHORT_CHUNK` on dask.distributed, with the same numbers.

    Examples
    --------
    >>> ds = cohort(4, seed=1)  # doctest: +SKIP
    >>> ds.score.dims  # doctest: +SKIP
    ('subject', 'test')
    """
    seed = check_seed(seed)
    check_scheduler(scheduler, extra=("none",))
    if not (isinstance(n, int | np.integer) and n >= 2):
        raise MagsynapseError(f"n: must be an integer >= 2 (got {n!r})")
    for t in tests:
        TESTS[t]  # one-line error for an unknown test
    kwargs = {
        "age": tuple(map(float, age)),
        "seed": seed,
        "female_fraction": female_fraction,
        "inclusion": dict(inclusion or {}),
        "tests": list(tests),
    }
    chunks = [list(range(i, min(i + COHORT_CHUNK, n))) for i in range(0, n, COHORT_CHUNK)]
    bar = tqdm(total=n, desc="cohort", unit="person", disable=not progress)
    if scheduler == "none":
        parts = []
        for c in chunks:
            parts.append(cohort_people(c, **kwargs))
            bar.update(len(c))
    else:
        from distributed import as_completed

        with dask_client(scheduler, workers) as client:
            futures = {client.submit(cohort_people, c, pure=False, **kwargs): c for c in chunks}
            done = {}
            for future in as_completed(futures):
                done[futures[future][0]] = future.result()
                bar.update(len(futures[future]))
        parts = [done[c[0]] for c in chunks]
    bar.close()
    ds = xr.concat(parts, dim="subject") if len(parts) > 1 else parts[0]
    ds.score.attrs.update(
        long_name="baseline test score", test_units=json.dumps({t: TESTS[t].unit for t in tests})
    )
    sc = {t: ds.score.sel(test=t).values for t in tests}
    ds["composite"] = (
        "subject",
        composite(sc, sc),
        {
            "units": "1",
            "long_name": "composite score (mean z-score over the tests, higher is better)",
        },
    )
    if "tmt_b" in tests:
        ds["brain_age"] = (
            "subject",
            brain_age(sc["tmt_b"]),
            {"units": "y", "long_name": "age at which the TMT-B norm equals the score"},
        )
    return annotate(
        ds,
        title=f"Virtual cohort: {n} people aged {age[0]:g}-{age[1]:g}",
        config={
            "n": n,
            "age": list(age),
            "female_fraction": female_fraction,
            "inclusion": {k: list(v) for k, v in (inclusion or {}).items()},
            "tests": list(tests),
            "emulator": "network readouts from magsynapse.network.emulator (people ranges)",
        },
        references={"fryar_2025", "ford_mokdad_2003", "nhanes_sleep_2021", "tombaugh_2004"},
        seed=seed,
    )
