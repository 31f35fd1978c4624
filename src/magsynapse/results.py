"""Results are labelled arrays: ``xarray.Dataset`` with units and provenance.

Every result carries, in ``attrs``: the package version, the seed, the resolved
configuration (JSON), the parameter sets with the source of every value (JSON) and the
references they cite (JSON). Results round-trip through NetCDF (:func:`save`,
:func:`load`).
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from . import __version__, cf
from .errors import MagsynapseError, MagsynapseRunError
from .provenance import ParameterSet
from .references import get_source


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


#: Packages whose versions a result records (they decide its numbers or its file).
DEPENDENCIES = ("numpy", "scipy", "numba", "xarray", "netCDF4")


@lru_cache(maxsize=1)
def _git_revision() -> str:
    """The git revision of the package's source tree, ``""`` when it is not a git checkout
    (an installed wheel); ``-dirty`` is appended when tracked files differ from it.

    >>> isinstance(_git_revision(), str)
    True
    """
    here = Path(__file__).resolve().parent
    if not any((p / ".git").exists() for p in (here, *here.parents)):
        return ""
    try:
        rev = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(here), "diff", "--quiet", "HEAD", "--", "."],
            capture_output=True,
            timeout=10,
            check=False,
        ).returncode
    except (OSError, subprocess.SubprocessError):
        return ""
    return f"{rev}-dirty" if dirty == 1 else rev


@lru_cache(maxsize=1)
def _dependency_versions() -> dict[str, str]:
    """Installed versions of :data:`DEPENDENCIES` (read once per process).

    >>> sorted(_dependency_versions()) == sorted(DEPENDENCIES)
    True
    """
    out = {}
    for name in DEPENDENCIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - every one is a dependency
            out[name] = "not installed"
    return out


def annotate(
    ds: xr.Dataset,
    *,
    title: str,
    config: Mapping[str, Any],
    parameter_sets: Iterable[ParameterSet] = (),
    references: Iterable[str] = (),
    seed: int | None = None,
) -> xr.Dataset:
    """Attach provenance to a result.

    Parameters
    ----------
    ds : xarray.Dataset
        The result; its variables should already carry ``units`` attributes.
    title : str
        What the result is (one line).
    config : Mapping
        The resolved configuration of the run (JSON-serialisable after conversion).
    parameter_sets : iterable of ParameterSet
        Every parameter set the run used.
    references : iterable of str
        Reference keys of the models used, besides those of the parameters.
    seed : int or None
        Root seed of the run (``None`` for deterministic runs).

    Returns
    -------
    xarray.Dataset
        ``ds`` with ``attrs`` set (the same object): title, package version, creation
        time (UTC), the command line of the process, dependency versions, the git
        revision of the source tree (empty for an installed wheel), seed,
        configuration, parameter sets and references.
    """
    sets = list(parameter_sets)
    keys = set(references)
    for ps in sets:
        keys |= ps.references()
    refs = {k: get_source(k).format() for k in sorted(keys)}
    cf.describe(ds)
    ds.attrs.update(
        title=title,
        magsynapse_version=__version__,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        command=shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv else "",
        dependencies=json.dumps(_dependency_versions()),
        git_revision=_git_revision(),
        seed=-1 if seed is None else int(seed),
        seed_note="-1 means the run is deterministic and used no random numbers",
        config=json.dumps(_jsonable(dict(config)), sort_keys=True),
        parameters=json.dumps([ps.to_dict() for ps in sets]),
        references=json.dumps(refs),
    )
    return ds


#: Characters that a partial file's name adds to the result's name (``written_atomically``;
#: the probe of ``check_writable`` adds fewer).
PARTIAL_NAME_EXTRA = len(f"..{2**32}-{0:08x}.partial")


def check_writable(path: str | os.PathLike[str]) -> Path:
    """Fail early, with a one-line message, when ``path`` cannot be written.

    >>> check_writable("x" * 300 + ".nc")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    magsynapse.errors.MagsynapseError: output path 'xxx...' has a name of 303 bytes; ...
    """
    path = Path(path)
    try:
        limit = os.pathconf(_existing_folder(path.parent), "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    size = len(os.fsencode(path.name))
    if size + PARTIAL_NAME_EXTRA > limit:
        shown = str(path) if len(str(path)) <= 60 else str(path)[:3] + "..."
        raise MagsynapseError(
            f"output path {shown!r} has a name of {size} bytes; this file system allows "
            f"{limit - PARTIAL_NAME_EXTRA} (with room for the partial file written first)"
        )
    try:
        if path.is_dir():
            raise MagsynapseError(f"output path {str(path)!r} is a directory; give a file name")
        parent = path.parent
        for folder in (parent, *parent.parents):
            if folder.exists() and not folder.is_dir():
                raise MagsynapseError(
                    f"output path {str(path)!r} lies under a file, {str(folder)!r}"
                )
        parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with open(path, "ab"):
                pass
        else:
            # a probe of its own beside it, never the path itself: another writer may be
            # renaming its result into place at this moment
            probe = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.probe")
            with open(probe, "xb"):
                pass
            probe.unlink()
    except OSError as exc:
        raise MagsynapseError(
            f"output path {str(path)!r} is not writable ({exc.strerror or exc})"
        ) from None
    return path


def _existing_folder(folder: Path) -> Path:
    """``folder`` or the nearest of its parents that exists."""
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            return candidate
    return Path(".")


def own_folder(
    out: str | os.PathLike[str],
    marker: str,
    writer: str,
    own: Callable[[str], bool] | None = None,
) -> Path:
    """``out``, created, once it is known to be empty or ``writer``'s own folder.

    A folder is ``writer``'s own when it holds the file ``marker`` (written here, before
    any result, so that an interrupted run's folder is still recognised) or when every
    file in it is one ``own`` accepts by name (a folder written before markers existed).
    The file system's root and the home folder are never written into.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "notes.txt").write_text("mine")
    4
    >>> own_folder(d, ".magsynapse-example", "an example")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    magsynapse.errors.MagsynapseError: out: '...' holds files an example did not write...
    """
    out = Path(out)
    resolved = out.expanduser().resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        raise MagsynapseError(f"out: {str(out)!r} is the root or home folder; name a new folder")
    if resolved.exists() and not resolved.is_dir():
        raise MagsynapseError(f"out: {str(out)!r} is a file; name a folder")
    if resolved.is_dir() and not (resolved / marker).exists():
        foreign = sorted(p.name for p in resolved.iterdir() if not (own and own(p.name)))
        if foreign:
            shown = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
            raise MagsynapseError(
                f"out: {str(out)!r} holds files {writer} did not write ({shown}); name an "
                f"empty or new folder, or one {writer} wrote before"
            )
    try:
        resolved.mkdir(parents=True, exist_ok=True)
        (resolved / marker).write_text(f"magsynapse {__version__} {writer}\n", encoding="utf-8")
    except OSError as exc:
        raise MagsynapseError(f"out: cannot write into {str(out)!r} ({exc.strerror})") from None
    return out


#: zlib level of every numeric array in a result file (4: most of the gain of 9, fast).
COMPRESSION_LEVEL = 4


def save(ds: xr.Dataset, path: str | os.PathLike[str]) -> Path:
    """Write a result as a CF-1.10 NetCDF-4 file (:mod:`magsynapse.cf`), arrays
    zlib-compressed; returns the path.

    The file appears under its name only once complete (written to a hidden partial
    file beside it, then renamed).

    Examples
    --------
    >>> import tempfile, xarray as xr
    >>> p = save(xr.Dataset({"x": ("a", [1.0, 2.0])}), tempfile.mktemp(suffix=".nc"))
    >>> load(p)["x"].values.tolist()
    [1.0, 2.0]
    """
    path = check_writable(path)
    ds, encoding = cf.encode(ds)
    for name, var in ds.variables.items():
        var.encoding = {}  # a loaded file's layout must not conflict with compression
        if var.ndim and var.dtype.kind in "fiubUO":
            encoding.setdefault(name, {}).update(zlib=True, complevel=COMPRESSION_LEVEL)
    with written_atomically(path) as tmp:
        ds.to_netcdf(tmp, engine="netcdf4", encoding=encoding)
    return path


@contextmanager
def written_atomically(path: Path) -> Iterator[Path]:
    """A partial file beside ``path`` to write into; renamed to ``path`` when the block
    ends without an error, removed otherwise. A failed or interrupted write so never
    leaves a half-written file under the name, and two processes writing the same
    result each write their own partial file (the last rename wins, whole); an
    ``OSError`` becomes a one-line :class:`~magsynapse.errors.MagsynapseRunError`.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.txt"
    >>> with written_atomically(p) as tmp:
    ...     _ = tmp.write_text("done")
    >>> p.read_text(), tmp.exists()
    ('done', False)
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise MagsynapseRunError(f"could not write {str(path)!r}: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: str | os.PathLike[str], text: str, suffix: str | None = None) -> Path:
    """Write ``text`` (UTF-8) to ``path`` beside it, then rename: a failed write leaves no
    half-written file under the name; returns the path. With ``suffix``, a path with
    another extension is refused.

    >>> import tempfile
    >>> write_text(tempfile.mktemp(suffix=".txt"), "x").read_text()
    'x'
    """
    path = Path(path)
    if suffix is not None and path.suffix != suffix:
        raise MagsynapseError(f"output path {path.name!r} must end in {suffix}")
    path = check_writable(path)
    with written_atomically(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def load(path: str | os.PathLike[str]) -> xr.Dataset:
    """Read a result written by :func:`save` fully into memory (in the form the package
    builds it: see :mod:`magsynapse.cf`)."""
    path = Path(path)
    if not path.is_file():
        raise MagsynapseError(f"no result file at {str(path)!r}")
    try:
        with xr.open_dataset(path, engine="netcdf4") as ds:
            return cf.decode(ds.load())
    except (OSError, ValueError) as exc:
        raise MagsynapseError(f"{str(path)!r} is not a NetCDF result: {exc}") from None


def citations(ds: xr.Dataset) -> dict[str, str]:
    """References of every parameter and model a result used, ``{key: citation}``.

    >>> citations(xr.Dataset(attrs={"references": "{not json"}))
    Traceback (most recent call last):
    ...
    magsynapse.errors.MagsynapseError: this dataset's references are not magsynapse's (...)
    """
    if "references" not in ds.attrs:
        raise MagsynapseError("this dataset carries no magsynapse references")
    refs = _json_attribute(ds, "references")
    if not (isinstance(refs, dict) and all(isinstance(v, str) for v in refs.values())):
        raise MagsynapseError(
            "this dataset's references are not magsynapse's (a JSON object of citations)"
        )
    return refs


def parameter_sets(ds: xr.Dataset) -> list[ParameterSet]:
    """The parameter sets stored in a result's attributes."""
    sets = _json_attribute(ds, "parameters", "[]")
    try:
        return [ParameterSet.from_dict(d) for d in sets]
    except (TypeError, KeyError, AttributeError, ValueError):
        raise MagsynapseError(
            "this dataset's parameters are not magsynapse's (a JSON list of parameter sets)"
        ) from None


def _json_attribute(ds: xr.Dataset, name: str, default: str | None = None) -> Any:
    """A global attribute that holds JSON, decoded; a clear error when it does not."""
    try:
        return json.loads(ds.attrs.get(name, default))
    except (TypeError, ValueError):
        raise MagsynapseError(
            f"this dataset's {name} are not magsynapse's (the attribute is not JSON)"
        ) from None


def quantiles(
    obj: xr.DataArray | xr.Dataset, q: Iterable[float], dim: str
) -> xr.DataArray | xr.Dataset:
    """``obj.quantile(q, dim=dim)``, NaN-skipping only where ``obj`` has a NaN.

    The same numbers as xarray's default (linear interpolation, NaNs skipped), without
    its per-slice loop on data that hold no NaN.

    >>> da = xr.DataArray([[1.0, 2.0, 3.0], [4.0, np.nan, 6.0]], dims=("x", "sample"))
    >>> quantiles(da, [0.5], "sample").values.ravel().tolist()
    [2.0, 5.0]
    """
    arrays = obj.data_vars.values() if isinstance(obj, xr.Dataset) else [obj]
    has_nan = any(bool(np.isnan(np.asarray(a.values, dtype=float)).any()) for a in arrays)
    return obj.quantile(list(q), dim=dim, skipna=has_nan)
