"""One random-stream policy for every scale.

Every random number the package draws comes from a stream named by a root seed, a
*purpose* (what the numbers are for: ``"prior"``, ``"synapse_noise"``, ``"connectivity"``,
...) and the *entities* it belongs to (``person=3``, ``sample=17``, ``replica=2``,
``condition="mg=1|dt=10"``). The name is turned into a :class:`numpy.random.SeedSequence`
whose spawn key holds a 64-bit word per purpose, entity name and entity value, so that

* a stream depends only on its name — never on how many other streams a call draws, on
  the batch a subject or replica is computed in, on the order of the keyword arguments,
  or on the worker or thread that computes it;
* two different names give statistically independent streams (SeedSequence's hashing).

NumPy code takes a :func:`generator`; compiled kernels (xoshiro256** streams seeded in
:mod:`magsynapse.synapse.kernels`) take a 64-bit :func:`stream_key`.

Examples
--------
>>> a = generator(1, "prior", sample=3).standard_normal()
>>> b = generator(1, "prior", sample=3).standard_normal()
>>> a == b
True
>>> stream_key(1, "synapse_noise", person="p1") != stream_key(1, "synapse_noise", person="p2")
True
"""

from __future__ import annotations

import hashlib
import numbers
from typing import Any

import numpy as np

from .errors import MagsynapseError

__all__ = ["check_seed", "generator", "seed_sequence", "stream_key"]

#: Largest accepted root seed: SeedSequence takes any non-negative integer, but results
#: record the seed in NetCDF attributes, which hold 64-bit integers.
MAX_SEED = 2**63 - 1


def check_seed(seed: Any, name: str = "seed") -> int:
    """Validate a root seed: an integer in [0, 2**63 − 1] (booleans and floats refused).

    Examples
    --------
    >>> check_seed(7)
    7
    >>> check_seed(1.5)
    Traceback (most recent call last):
    ...
    magsynapse.errors.MagsynapseError: seed: must be an integer in [0, 2**63 - 1] (got 1.5)
    """
    ok = isinstance(seed, numbers.Integral) and not isinstance(seed, bool | np.bool_)
    if not ok or not 0 <= int(seed) <= MAX_SEED:
        raise MagsynapseError(f"{name}: must be an integer in [0, 2**63 - 1] (got {seed!r})")
    return int(seed)


def _word(value: Any) -> int:
    """A 64-bit word naming ``value``: non-negative integers stand for themselves (below
    2**62), anything else is hashed from its type and text, so that 1, 1.0 and "1" differ."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
        if 0 <= int(value) < 2**62:
            return int(value)
    text = f"{type(value).__name__}|{value!r}" if not isinstance(value, str) else f"str|{value}"
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") | 2**62  # never collides with a small integer


def seed_sequence(seed: int, purpose: str, **entities: Any) -> np.random.SeedSequence:
    """The SeedSequence of the stream (seed, purpose, entities).

    Parameters
    ----------
    seed : int
        Root seed (see :func:`check_seed`).
    purpose : str
        What the stream is for, e.g. ``"prior"`` or ``"connectivity"``.
    **entities
        The named entities the stream belongs to (``person``, ``sample``, ``replica``,
        ``condition``, ...); values are integers, strings or numbers. Their order does not
        matter.

    Examples
    --------
    >>> seed_sequence(1, "prior", sample=0).entropy
    1
    """
    seed = check_seed(seed)
    key = [_word(purpose)]
    for name in sorted(entities):
        key += [_word(name), _word(entities[name])]
    return np.random.SeedSequence(seed, spawn_key=tuple(key))


def generator(seed: int, purpose: str, **entities: Any) -> np.random.Generator:
    """A NumPy generator on the stream (seed, purpose, entities).

    Examples
    --------
    >>> float(generator(1, "prior", sample=0).uniform()) == float(
    ...     generator(1, "prior", sample=0).uniform())
    True
    """
    return np.random.default_rng(seed_sequence(seed, purpose, **entities))


def stream_key(seed: int, purpose: str, **entities: Any) -> int:
    """A 64-bit key for a compiled stream (seed, purpose, entities).

    Examples
    --------
    >>> 0 <= stream_key(1, "synapse_noise", condition="dt=10") < 2**64
    True
    """
    return int(seed_sequence(seed, purpose, **entities).generate_state(1, np.uint64)[0])
