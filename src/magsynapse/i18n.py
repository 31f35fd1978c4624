"""Translatable text: messages marked in the code, rendered in any language that has a
catalog.

Text meant for readers (the study report, the claims audit) is written as
``_("English text with {placeholders}")``. ``_`` marks the string for extraction by
Babel (``make catalogs``) and returns a :class:`Msg`, which stays untranslated until it is
rendered for a language. A language is a compiled gettext catalog under
``magsynapse/locale/<code>/LC_MESSAGES/magsynapse.mo``, listed in :data:`LANGUAGES`:
adding a language is a new catalog and one registry entry, not new code.

Messages are HTML fragments; parameters are inserted after translation, so numbers stay
as the code formatted them.

Examples
--------
>>> m = _("{n} replicates").format(n=200)
>>> m.render(translator("en"))
'200 replicates'
>>> translator("hi").gettext("model prediction") != "model prediction"
True
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import MagsynapseError
from .provenance import Registry

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "magsynapse"


@dataclass(frozen=True)
class Language:
    """A language of the report: its code (BCP 47), English name and own name."""

    code: str
    name: str
    native: str


LANGUAGES: Registry[Language] = Registry("language")
LANGUAGES.register("en", Language("en", "English", "English"))
LANGUAGES.register("hi", Language("hi", "Hindi", "हिन्दी"))


@dataclass(frozen=True)
class Msg:
    """A message to translate later, with the parameters to insert after translation."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def format(self, **params: Any) -> Msg:
        """The same message with (more) parameters; values may themselves be messages."""
        return Msg(self.text, {**self.params, **params})

    def render(self, tr: gettext.NullTranslations) -> str:
        """The message in ``tr``'s language, parameters inserted."""
        values = {k: render(v, tr) for k, v in self.params.items()}
        return tr.gettext(self.text).format(**values)

    def __str__(self) -> str:  # English, for logs and errors
        return self.render(gettext.NullTranslations())


@dataclass(frozen=True)
class Joined:
    """Messages (or strings) joined by ``sep``, each rendered in the reader's language."""

    parts: tuple[Any, ...]
    sep: str = "; "

    def render(self, tr: gettext.NullTranslations) -> str:
        return self.sep.join(render(p, tr) for p in self.parts)


def _(text: str) -> Msg:
    """Mark ``text`` for translation (Babel extracts the calls to ``_``)."""
    return Msg(text)


def render(value: Any, tr: gettext.NullTranslations) -> str:
    """A message rendered in ``tr``'s language; any other value as ``str``."""
    return value.render(tr) if isinstance(value, Msg | Joined) else str(value)


def translator(lang: str) -> gettext.NullTranslations:
    """The translations of language ``lang`` (a key of :data:`LANGUAGES`).

    English is the source language and needs no catalog.

    Raises
    ------
    MagsynapseError
        If the language is unknown or its catalog is missing.
    """
    LANGUAGES[lang]  # a clear error for an unknown code
    if lang == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang])
    except OSError as exc:
        raise MagsynapseError(
            f"no compiled catalog for language {lang!r} under {LOCALE_DIR.name}/; "
            "run `make catalogs`"
        ) from exc
