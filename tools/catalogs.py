"""Message catalogs of the report (``make catalogs``): extract, update, compile, check.

    python tools/catalogs.py            # extract the messages, update every catalog, compile
    python tools/catalogs.py --check    # fail if a catalog is stale or incomplete

The messages are the ``_("…")`` calls in the package and the ``_()`` calls in the report
template (babel.cfg). Each language is ``src/magsynapse/locale/<code>/LC_MESSAGES/
magsynapse.po``, compiled to ``.mo`` beside it; a new language is ``pybabel init -l CODE
-i src/magsynapse/locale/magsynapse.pot -d src/magsynapse/locale -D magsynapse``, then
its translations and an entry in ``magsynapse.i18n.LANGUAGES``. Messages are
``str.format`` templates: their ``{names}`` must survive translation.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "magsynapse" / "locale"
DOMAIN = "magsynapse"
FIELD = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


def extract() -> Catalog:
    """Every message of the package and its report template."""
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    cat = Catalog(project="magsynapse", copyright_holder="magsynapse developers")
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={"_": None}, strip_comment_tags=True
    ):
        # brace templates, not printf ones: "5–95 % range" is not a format
        cat.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            flags=("python-brace-format",) if FIELD.search(message) else (),
        )
    return cat


def languages() -> list[Path]:
    return sorted(LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _read(path: Path) -> Catalog:
    with open(path, "rb") as f:
        return read_po(f)


def problems(template: Catalog, po: Path) -> list[str]:
    """What is wrong with one catalog against the current messages."""
    cat = _read(po)
    found = []
    ids = {m.id for m in template if m.id}
    have = {m.id: m for m in cat if m.id}
    for mid in sorted(ids - set(have)):
        found.append(f"{po.parent.parent.name}: not in the catalog: {mid[:70]!r}")
    for mid in sorted(set(have) - ids):
        found.append(f"{po.parent.parent.name}: obsolete: {mid[:70]!r}")
    for mid, m in have.items():
        if mid not in ids:
            continue
        if not m.string:
            found.append(f"{po.parent.parent.name}: untranslated: {mid[:70]!r}")
        elif set(FIELD.findall(mid)) != set(FIELD.findall(m.string)):
            found.append(f"{po.parent.parent.name}: placeholders differ: {mid[:70]!r}")
    mo = po.with_suffix(".mo")
    buf = io.BytesIO()
    write_mo(buf, cat)
    if not mo.exists() or mo.read_bytes() != buf.getvalue():
        found.append(f"{po.parent.parent.name}: {mo.name} is not compiled from {po.name}")
    return found


def update() -> None:
    template = extract()
    with open(LOCALE / f"{DOMAIN}.pot", "wb") as f:
        write_po(f, template, width=0, omit_header=False, sort_by_file=True)
    for po in languages():
        cat = _read(po)
        cat.update(template, no_fuzzy_matching=True)
        for m in cat:
            m.flags.discard("python-format")
        with open(po, "wb") as f:
            write_po(f, cat, width=0, sort_by_file=True)
        with open(po.with_suffix(".mo"), "wb") as f:
            write_mo(f, _read(po))
        left = [m.id for m in _read(po) if m.id and not m.string]
        print(f"{po.relative_to(ROOT)}: {len(left)} untranslated")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="check, do not write")
    args = ap.parse_args(argv)
    if not args.check:
        update()
        return 0
    template = extract()
    found = [p for po in languages() for p in problems(template, po)]
    print("\n".join(found) or "catalogs up to date")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
