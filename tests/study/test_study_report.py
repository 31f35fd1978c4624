"""The quick study's report in both languages: the claims table, the links, the Hindi
page, and (in headless Chromium) the layout at desktop and phone widths."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from pagecheck import english_words, parse

from cfcheck import cf_problems
from magsynapse.claims import ORDER, VERDICTS, audit, load_results, to_records
from magsynapse.results import load
from magsynapse.study import run_study

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("quick")
    run_study(out, seed=7, progress=False, plan="quick", languages=("en", "hi"), workers=2)
    return out


def test_chapters_in_worker_processes_give_the_numbers_of_one_process(study, tmp_path):
    from magsynapse.study.common import PLANS
    from magsynapse.study.report import _section

    here = _section(0, tmp_path, 7, PLANS["quick"])  # the synapse chapter, in this process
    for name, ds in here.results.items():
        there = load(study / f"{name}.nc")
        xr.testing.assert_equal(ds.drop_attrs(), there.drop_attrs())


@pytest.fixture(scope="module")
def pages(study) -> dict[str, str]:
    return {
        "en": (study / "report.html").read_text(encoding="utf-8"),
        "hi": (study / "report.hi.html").read_text(encoding="utf-8"),
    }


def test_the_pages_name_their_language_and_link_to_each_other(pages):
    en, hi = parse(pages["en"]), parse(pages["hi"])
    assert en.lang == "en" and hi.lang == "hi"
    assert "report.hi.html" in en.links and "report.html" in hi.links


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_every_toc_and_evidence_link_resolves(pages, lang):
    page = parse(pages[lang])
    local = [h[1:] for h in page.links if h.startswith("#")]
    assert len(local) > 40
    assert not [a for a in local if a not in page.ids]


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_claims_table_has_all_21_claims_with_verdict_number_or_reason_and_evidence(
    study, pages, lang
):
    records = to_records(audit(load_results(study)), lang)
    assert [r["id"] for r in records] == list(ORDER)
    ids = parse(pages[lang]).ids
    for r in records:
        assert r["verdict"] in VERDICTS
        assert r["reason"].strip()
        if r["computed"]:
            # a verdict a rule computed must show the numbers it rests on
            assert r["numbers"].strip(), r["id"]
            assert not re.search(r"\bnan\b", r["numbers"], re.I), r
        _page, anchor = r["evidence"].split("#")
        assert anchor in ids
        assert (study / r["data"][0]).exists() if r["data"] else True
    assert sum(r["computed"] for r in records) >= 15


def test_claims_rows_are_in_the_page_in_both_languages(pages):
    for lang in ("en", "hi"):
        ids = parse(pages[lang]).ids
        assert all(f"claim-{c.lower()}" in ids for c in ORDER)


def test_hindi_page_has_no_untranslated_english_prose(pages):
    page = parse(pages["hi"])
    bad = [(tag, words) for tag, text in page.blocks if (words := english_words(text))]
    assert not bad, bad[:10]
    # and it is Hindi: the paragraphs and captions carry Devanagari
    deva = [
        bool(re.search("[\u0900-\u097f]", text))
        for tag, text in page.blocks
        if tag in ("p", "figcaption") and len(text) > 40
    ]
    assert len(deva) > 40 and np.mean(deva) > 0.95


def test_english_page_is_english(pages):
    assert not re.search("[\u0900-\u097f]", pages["en"].split("<body>")[1].split("</p>", 1)[1])


PATHS = re.compile(r"(/tmp/|/work/|/home/|/root/|file://|MODEL\.md|\.\./shared)")


def test_no_source_points_outside_the_repository(study, pages):
    for page in pages.values():
        assert not PATHS.search(page)
    for f in study.glob("*.nc"):
        with xr.open_dataset(f) as ds:
            attrs = " ".join(str(v) for v in ds.attrs.values() if not str(v).startswith('{"argv'))
            for k in ("references", "config", "title", "parameter_sets"):
                assert not PATHS.search(str(ds.attrs.get(k, ""))), (f.name, k)
            assert "MODEL.md" not in attrs


def test_cf_checker_finds_nothing_in_any_result_file(study, tmp_path):
    files = sorted(study.glob("*.nc"))
    assert len(files) >= 30
    problems = cf_problems(files, tmp_path)
    assert problems == {f.name: [] for f in files}


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if path := shutil.which(name):
            return path
    return None


#: A page that shows the report in a frame of the given width (Chromium's own window is
#: at least 500 px wide) and writes what it measured into itself.
HARNESS = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="{src}" style="width:{width}px;height:900px;border:0"></iframe>
<script>
document.getElementById('f').addEventListener('load', () => {{
  const doc = document.getElementById('f').contentDocument;
  const root = doc.documentElement;
  const toc = [...doc.querySelectorAll('nav.toc a')].map(a => a.getAttribute('href'));
  const res = {{
    width: root.clientWidth,
    overflow: root.scrollWidth - root.clientWidth,
    wide: [...doc.querySelectorAll('body *')].filter(
      e => e.getBoundingClientRect().right > root.clientWidth + 1 &&
           !e.closest('.table-box')).map(e => e.tagName).slice(0, 5),
    toc: toc.length,
    unresolved: toc.filter(h => !doc.getElementById(h.slice(1))),
    images: doc.images.length,
    broken: [...doc.images].filter(i => !(i.complete && i.naturalWidth > 0)).length,
  }};
  const pre = document.createElement('pre');
  pre.id = 'browser-check';
  pre.textContent = JSON.stringify(res);
  document.body.appendChild(pre);
}});
</script></body></html>
"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["en", "hi"])
def test_layout_in_headless_chromium(study, width, lang):
    browser = _browser()
    if browser is None:
        pytest.skip("no Chromium here (Debian: apt-get install chromium; .ci/run installs it)")
    name = "report.html" if lang == "en" else f"report.{lang}.html"
    harness = study / f"harness-{lang}-{width}.html"
    harness.write_text(HARNESS.format(src=name, width=width), encoding="utf-8")
    run = subprocess.run(
        [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            "--window-size=1400,1000",
            "--virtual-time-budget=10000",
            "--dump-dom",
            harness.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    harness.unlink()
    found = re.search(r'<pre id="browser-check">(.*?)</pre>', run.stdout)
    assert found, run.stderr[-2000:]
    res = json.loads(found.group(1).replace("&quot;", '"'))
    assert res["width"] == width, res
    assert res["overflow"] <= 0, res
    assert not res["wide"], res
    assert res["toc"] > 20 and not res["unresolved"], res
    assert res["images"] >= 20 and res["broken"] == 0, res


def test_claims_command_writes_the_table_in_hindi(study, tmp_path, capsys):
    from magsynapse.cli import main

    out = tmp_path / "claims.json"
    assert main(["claims", "--study", str(study), "--lang", "hi", "--out", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == list(ORDER)
    assert all(re.search("[\u0900-\u097f]", r["verdict_label"] + r["reason"]) for r in rows)
    nc = tmp_path / "claims.nc"
    assert main(["claims", "--study", str(study), "--out", str(nc)]) == 0
    with xr.open_dataset(nc) as ds:
        assert ds.sizes["claim"] == 21 and ds.attrs["language"] == "en"
    capsys.readouterr()
    assert main(["claims", "--study", str(study), "--out", str(tmp_path / "c.csv")]) == 2
    assert "written as .json or .nc" in capsys.readouterr().err
    assert main(["claims", "--study", str(tmp_path / "none")]) == 2
    assert "magsynapse study" in capsys.readouterr().err
    assert main(["claims", "--study", str(study), "--lang", "xx"]) == 2
    assert main(["claims", "--study", str(study), "--lang", "en,hi"]) == 2
    assert "one language" in capsys.readouterr().err
