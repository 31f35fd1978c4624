"""Ceilings on the memory a run may ask for, checked before anything is allocated.

A run whose estimated memory is above the ceiling is refused with a message that says
what it would need, why, and how to raise the ceiling: the environment variable
``MAGSYNAPSE_MAX_MEMORY`` (``64GB``, ``500MB``, or a number of bytes). The default
ceiling is 80 % of this machine's physical memory.

Examples
--------
>>> check_memory("a small run", 1e6)
>>> parse_bytes("16GB")
16000000000
"""

from __future__ import annotations

import os
import re

from .errors import MagsynapseError

#: The environment variable that sets the ceiling.
ENV = "MAGSYNAPSE_MAX_MEMORY"
#: Share of the physical memory a run may use when the ceiling is not set.
DEFAULT_SHARE = 0.8

_SIZES = {"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}
_SIZES |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def parse_bytes(text: str) -> int:
    """A size such as ``16GB``, ``512MiB`` or ``1e9`` in bytes.

    >>> parse_bytes("512MiB")
    536870912
    """
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*", str(text))
    unit = m.group(2).upper() if m else None
    if m is None or unit not in _SIZES:
        raise MagsynapseError(
            f"{ENV}: {text!r} is not a size; give bytes with a unit, e.g. 64GB or 500MB"
        )
    value = float(m.group(1)) * _SIZES[unit]
    if not value > 0:
        raise MagsynapseError(f"{ENV}: {text!r} must be positive")
    return int(value)


def physical_memory() -> int:
    """This machine's physical memory in bytes."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX
        return 16 * 10**9


def memory_ceiling() -> int:
    """The ceiling in bytes: ``MAGSYNAPSE_MAX_MEMORY`` when set, else 80 % of memory."""
    text = os.environ.get(ENV, "").strip()
    return parse_bytes(text) if text else int(DEFAULT_SHARE * physical_memory())


def _size(n: float) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n:.0f} B"


def check_memory(what: str, nbytes: float, detail: str = "") -> None:
    """Refuse a run that would need more than the ceiling.

    Parameters
    ----------
    what : str
        The run, as the message names it (``"network run"``).
    nbytes : float
        Its estimated peak memory in bytes (``inf`` for a size that cannot be held).
    detail : str
        How the estimate comes about (``"1e9 synapses x 52 B"``).

    Raises
    ------
    MagsynapseError
        When ``nbytes`` is above :func:`memory_ceiling`.
    """
    ceiling = memory_ceiling()
    if not nbytes <= ceiling:
        why = f" ({detail})" if detail else ""
        need = _size(nbytes) if nbytes < 1e30 else "more memory than any machine has"
        raise MagsynapseError(
            f"{what} would need about {need}{why}; the ceiling is {_size(ceiling)} "
            f"(set {ENV}, e.g. {ENV}=64GB, to raise it)"
        )
