"""The Data Docs open with no network: every file GE's page templates load from a CDN has its vendored copy
(expectations/data_docs_assets/), and the built pages load those copies instead."""

from __future__ import annotations

import re
from pathlib import Path

import great_expectations
import pytest

from pipelines.tooling.docs import ASSETS_DIR, OFFLINE_ASSETS, REMOTE_LOAD, RemoteAsset, make_offline

TEMPLATES = Path(great_expectations.__file__).parent / "render" / "view" / "templates"


def template_loads() -> set[str]:
    """Every URL a GE page template loads (script src, link href), as the installed GE writes it."""
    urls = set()
    for template in TEMPLATES.glob("*.j2"):
        urls |= {m.group(2) for m in REMOTE_LOAD.finditer(template.read_text(encoding="utf-8"))}
    return urls


def test_every_file_ge_loads_from_a_cdn_has_a_vendored_copy():
    known = dict(OFFLINE_ASSETS)
    assert template_loads() and template_loads() <= set(known), sorted(template_loads() - set(known))
    missing = [f for f in known.values() if f and not (ASSETS_DIR / f).exists()]
    assert not missing
    # The font files the stylesheet names are there too.
    css = (ASSETS_DIR / "fontawesome" / "css" / "all.min.css").read_text(encoding="utf-8")
    fonts = set(re.findall(r"url\(([^)]+)\)", css))
    assert fonts and all((ASSETS_DIR / "fontawesome" / "css" / f).resolve().exists() for f in fonts)


def test_a_page_loads_the_copies_relative_to_where_it_is(tmp_path):
    page = tmp_path / "validations" / "suite" / "run" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>\n'
        '<script src="https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js" integrity="sha384-x"'
        ' crossorigin="anonymous"></script>\n<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>\n'
        '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=1&dataContextId=2">'
        '\n<a href="https://greatexpectations.io">GX</a>',
        encoding="utf-8",
    )
    html = make_offline(page, tmp_path)
    assert 'href="../../../static/vendor/bootstrap.min.css"' in html
    assert '<script src="../../../static/vendor/popper.min.js"></script>' in html  # no integrity on a local file
    assert "vega" not in html  # no chart on the page: not loaded at all
    assert 'src="../../../static/images/logo-long.png"' in html
    assert 'href="https://greatexpectations.io"' in html  # a link a person follows stays
    assert not REMOTE_LOAD.search(html)


def test_a_page_loading_an_unknown_file_is_refused_naming_it(tmp_path):
    page = tmp_path / "index.html"
    page.write_text('<script src="https://unpkg.com/new-lib@1/x.js"></script>', encoding="utf-8")
    with pytest.raises(RemoteAsset, match=r"index\.html: loads https://unpkg\.com/new-lib@1/x\.js"):
        make_offline(page, tmp_path)
