"""Messages and catalogs: rendering, languages, and catalogs current with the code."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from magsynapse.errors import MagsynapseError
from magsynapse.i18n import LANGUAGES, Joined, _, render, translator

ROOT = Path(__file__).resolve().parents[1]


def test_parameters_are_inserted_after_translation():
    m = _("{n} replicates").format(n=200)
    assert m.render(translator("en")) == "200 replicates"
    nested = _("status: {s}").format(s=_("model prediction"))
    assert "मॉडल" in nested.render(translator("hi")) or "मॉडल" in render(
        _("model prediction"), translator("hi")
    )


def test_joined_messages_render_each_part():
    j = Joined((_("yes"), "x"), " / ")
    assert j.render(translator("en")) == "yes / x"
    assert j.render(translator("hi")).endswith(" / x")


def test_unknown_language_is_a_clear_error():
    with pytest.raises(MagsynapseError, match="unknown language 'xx'; accepted: en, hi"):
        translator("xx")
    assert list(LANGUAGES) == ["en", "hi"]


def test_catalogs_are_complete_and_compiled_from_the_current_messages():
    pytest.importorskip("babel")
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "tools" / "catalogs.py")
    catalogs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(catalogs)
    template = catalogs.extract()
    assert len(template) > 300
    problems = [p for po in catalogs.languages() for p in catalogs.problems(template, po)]
    assert not problems, "run `make catalogs`:\n" + "\n".join(problems[:20])
