"""The CF conventions checker (cfchecker, the reference checker of the CF community) run
on result files, offline.

cfchecker 4.1 implements the rules up to CF-1.8 and does not know the label "CF-1.10"
that our files declare; CF-1.9 and 1.10 add features (variable-length strings, domain
variables, ...) that the files do not use, so they are checked against the CF-1.8 rules
with the 1.10 label made known. Two messages are expected and ignored:

- the note that a CF-1.10 file is checked against CF-1.8;
- the caution that UDUNITS' ``year`` is 365.2422 days, not a calendar year: ages and
  age shifts are given in such years on purpose.

The checker validates ``standard_name`` attributes against the CF standard-name table,
which it would download. Our files set no ``standard_name`` (none of the quantities is
in the table), so an empty table is given, which also makes any ``standard_name`` that
does appear an error.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

IGNORED = (
    "but you've requested a validity check against CF-1.8",
    "The unit 'year', defined by udunits",
)

_TABLES = {
    "standard_names.xml": "<standard_name_table><version_number>0</version_number>"
    "<last_modified>2026-01-01T00:00:00Z</last_modified></standard_name_table>",
    "area_types.xml": "<area_type_table><version_number>0</version_number>"
    "<date>2026-01-01T00:00:00Z</date></area_type_table>",
    "regions.xml": "<standardized_region_list><version_number>0</version_number>"
    "<date>2026-01-01T00:00:00Z</date></standardized_region_list>",
}


def _checker_module():
    try:
        from cfchecker import cfchecks
    except Exception as exc:  # cfunits needs the UDUNITS-2 C library
        pytest.skip(f"the CF checker is not available ({type(exc).__name__}: {exc})")
    if (1, 10) not in [tuple(v.tuple) for v in cfchecks.cfVersions]:
        cfchecks.cfVersions.append(cfchecks.CFVersion((1, 10)))
    return cfchecks


def cf_problems(paths, tables: Path) -> dict[str, list[str]]:
    """``{file name: [errors and warnings]}`` of the CF checker for each file (empty
    lists when a file is clean); ``tables`` is a folder for the offline tables."""
    cfchecks = _checker_module()
    for name, text in _TABLES.items():
        (tables / name).write_text(f'<?xml version="1.0"?>\n{text}\n', encoding="utf-8")
    out = {}
    for path in paths:
        checker = cfchecks.CFChecker(
            cfStandardNamesXML=str(tables / "standard_names.xml"),
            cfAreaTypesXML=str(tables / "area_types.xml"),
            cfRegionNamesXML=str(tables / "regions.xml"),
            version=cfchecks.vn1_8,
            silent=True,
        )
        with contextlib.redirect_stdout(io.StringIO()):
            checker.checker(str(path))
        found = []
        scopes = [("global", checker.results["global"])]
        scopes += list(checker.results["variables"].items())
        for scope, res in scopes:
            for cat in ("FATAL", "ERROR", "WARN"):
                found += [f"{cat} {scope}: {m}" for m in res[cat]]
        out[Path(path).name] = [m for m in found if not any(s in m for s in IGNORED)]
    return out
