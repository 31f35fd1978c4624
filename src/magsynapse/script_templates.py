"""Scripts written from templates (``magsynapse export brian2``): a template is a Python
module of the package whose text below :data:`BODY_MARKER` is copied into the script,
with its :data:`PARAMETERS_LINE` replaced by the numbers of the export, one per line
with its unit.

>>> print(render_parameters({"tau": 20.0, "name": "x"}, {"tau": "ms"}))
PARAMETERS = {
    "tau": 20.0,  # ms
    "name": "x",
}
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

#: The line of a template below which its text is copied.
BODY_MARKER = "# --- exported script ---"
#: The template's line that the export replaces by its numbers.
PARAMETERS_LINE = "PARAMETERS: dict = {}  # the exporter writes the numbers here"


def render_parameters(parameters: Mapping[str, Any], units: Mapping[str, str]) -> str:
    """``PARAMETERS = {...}``, one entry per line, with the unit of ``units`` as a comment
    (none for ``"1"`` or a name without one)."""
    lines = ["PARAMETERS = {"]
    for key, value in parameters.items():
        unit = units.get(key)
        comment = f"  # {unit}" if unit and unit != "1" else ""
        lines.append(f"    {key!r}: {value!r},{comment}".replace("'", '"'))
    lines.append("}")
    return "\n".join(lines)


def fill_template(
    package: str, header: str, parameters: Mapping[str, Any], units: Mapping[str, str]
) -> str:
    """The script of ``package``'s ``brian2_script.py`` template: ``header`` (its
    docstring), then the template's body with :func:`render_parameters` filled in."""
    text = resources.files(package).joinpath("brian2_script.py").read_text("utf-8")
    _, sep, body = text.partition(BODY_MARKER + "\n")
    if not sep or PARAMETERS_LINE not in body:  # pragma: no cover - a packaging error
        raise RuntimeError(f"{package}/brian2_script.py lacks its markers")
    return header + body.replace(PARAMETERS_LINE, render_parameters(parameters, units), 1)
