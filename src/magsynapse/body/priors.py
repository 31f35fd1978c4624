"""Parameter arrays for the PK model: nominal values or draws from the priors.

:func:`parameter_arrays` turns a :class:`~magsynapse.provenance.ParameterSet` into one
array per parameter over samples, the form :func:`~magsynapse.body.equations.derive` and
the solvers take. Calibrated parameters are drawn jointly from the calibration's
posterior, every other one from its own prior.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..errors import MagsynapseError
from ..provenance import ParameterSet
from ..random import generator


def parameter_arrays(
    ps: ParameterSet,
    n: int = 1,
    seed: int | None = None,
    purpose: str = "prior",
    *,
    entities: Sequence[Mapping[str, object]] | None = None,
    values: Mapping[str, object] | None = None,
    factors: Mapping[str, object] | None = None,
) -> dict[str, np.ndarray]:
    """Parameter values as arrays of length ``n``: the nominal values, or draws.

    Without a seed every sample has the nominal values. With a seed, calibrated
    parameters are drawn jointly from the calibration's posterior (a log-normal with the
    stored covariance, as multiplicative deviations from the set's values) and every other
    parameter from its own prior. Sample k always uses the stream (seed, k), so it is the
    same whatever the batch size.

    Parameters
    ----------
    ps : ParameterSet
        E.g. :func:`~magsynapse.body.params.pk_parameters`.
    n : int
        Number of samples.
    seed : int, optional
        Root seed of the draws; ``None`` for the nominal values.
    purpose : str
        The stream's purpose (:mod:`magsynapse.random`): each scale that draws priors
        names its own, so its draws are independent of the others' for the same sample.

    Returns
    -------
    dict of str to numpy.ndarray
        One array of length ``n`` per parameter.

    Examples
    --------
    >>> from magsynapse.body import pk_parameters
    >>> ps = pk_parameters("human")
    >>> float(parameter_arrays(ps, 3)["gfr"][2]) == ps["gfr"]
    True
    >>> a = parameter_arrays(ps, 2, seed=1)["t_csf"]
    >>> bool(a[0] != a[1]), bool(a[1] == parameter_arrays(ps, 5, seed=1)["t_csf"][1])
    (True, True)
    >>> w = parameter_arrays(ps, 2, seed=1, entities=[{"subject": 4}, {"subject": 9}],
    ...                      values={"weight": [60.0, 80.0]})
    >>> w["weight"].tolist(), bool(w["t_csf"][1] == parameter_arrays(
    ...     ps, 1, seed=1, entities=[{"subject": 9}])["t_csf"][0])
    ([60.0, 80.0], True)
    """
    if entities is not None:
        entities = list(entities)
        if len(entities) != n:
            raise MagsynapseError(f"entities: need one per row ({n}), got {len(entities)}")
    out = _draws(ps, n, seed, purpose, entities)
    for key, value in (values or {}).items():
        if key not in ps.params:
            raise MagsynapseError(f"values: {key!r} is not a parameter of {ps.name}")
        v = np.asarray(value, dtype=float)
        if v.ndim > 1 or (v.ndim == 1 and v.size != n) or np.any(~np.isfinite(v)):
            raise MagsynapseError(f"values: {key} needs {n} finite values (or one)")
        out[key] = np.broadcast_to(v, (n,)).copy()
    for key, value in (factors or {}).items():
        if key not in ps.params:
            raise MagsynapseError(f"factors: {key!r} is not a parameter of {ps.name}")
        f = np.asarray(value, dtype=float)
        if f.ndim > 1 or (f.ndim == 1 and f.size != n) or np.any(~(f > 0)):
            raise MagsynapseError(f"factors: {key} needs {n} positive factors (or one)")
        out[key] = out[key] * f
    return out


def _draws(
    ps: ParameterSet, n: int, seed: int | None, purpose: str, entities
) -> dict[str, np.ndarray]:
    if seed is None:
        return {k: np.full(n, float(v)) for k, v in ps.values().items()}
    posterior = (ps.calibration or {}).get("posterior")
    joint = list(posterior["keys"]) if posterior else []
    chol = np.linalg.cholesky(np.asarray(posterior["log_covariance"])) if posterior else None
    out = {k: np.empty(n) for k in ps.params}
    for i in range(n):
        rng = generator(seed, purpose, **(entities[i] if entities else {"sample": i}))
        if joint:
            factors = np.exp(chol @ rng.standard_normal(len(joint)))
            for key, f in zip(joint, factors, strict=True):
                out[key][i] = ps[key] * f
        for key in sorted(ps.params):  # fixed order: independent of the batch
            if key not in joint:
                out[key][i] = ps.params[key].sample(rng, 1)[0]
    return out
