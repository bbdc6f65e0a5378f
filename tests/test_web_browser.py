"""The self-check page in a real headless Chromium (Debian's ``chromium``, driven by
Playwright; no browser is downloaded). The server runs in a thread on a free
loopback port.

Install the browser with ``sh scripts/install-system-deps.sh`` (the README's test
command does); these tests skip only when /usr/bin/chromium is absent.
"""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from scorer.pipeline import Upload, score_document
from scorer.web import WebConfig, create_app

from .conftest import CORPORA, FIXTURES, LiveServer
from .test_web import TXT, draft_with_table_error

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} is missing: run `sh scripts/install-system-deps.sh` (apt chromium)")

FORMATS = [
    CORPORA / "reports" / "014_pingtan_syq_2024.txt",
    CORPORA / "reports" / "004_shanghai_kewei_2024.md",
    CORPORA / "reports" / "001_huaian_hongzequ_2023.pdf",
    FIXTURES / "load" / "seed000_gbk.html",
    FIXTURES / "load" / "seed003.docx",
]
SCRIPT_REPORT = FIXTURES / "score" / "000_script_injection.txt"
SCRIPT_TEXT = "<script>alert('xss')</script>"
IMG_TEXT = "<img src=x onerror=alert('img')>"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = create_app(WebConfig(workers=2, timeout=60, upload_dir=str(tmp_path_factory.mktemp("uploads"))))
    with LiveServer(app) as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    pg = ctx.new_page()
    pg.dialogs = []  # any alert() would land here: the page must never run report text
    pg.console = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("console", lambda m: pg.console.append(m.text))
    yield pg
    ctx.close()


def submit(page, server, path: Path, criteria: str = "core") -> None:
    page.goto(server.url + "/")
    page.set_input_files("#file", str(path))
    page.select_option("#criteria", criteria)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


def test_upload_page(page, server):
    page.goto(server.url + "/")
    assert page.title() == "年度报告自查"
    assert page.locator("h1").inner_text() == "年度报告发布前自查"
    assert page.locator("#criteria option").count() >= 2
    assert page.locator("link[rel=stylesheet]").count() == 1
    # the stylesheet applied (CSP allows 'self'), and nothing was blocked
    assert page.eval_on_selector("header.top", "e => getComputedStyle(e).backgroundColor") == "rgb(155, 28, 28)"
    assert not page.console, page.console


@pytest.mark.parametrize("path", FORMATS, ids=lambda p: p.suffix)
def test_each_format_scores_with_highlighted_quotes(page, server, path):
    submit(page, server, path)
    assert re.search(r"/r/[A-Za-z0-9_-]{32}$", page.url), page.content()[:1000]
    want = score_document(path, "core").score["total"]  # what the CLI says
    assert page.locator("#total").inner_text() == f"{want:.1f}"
    assert page.locator("#grade").inner_text() in ("优秀", "良好", "合格", "不合格")
    quotes = page.locator(".doc mark.ev")
    assert quotes.count() >= 1
    assert quotes.first.is_visible() and quotes.first.inner_text().strip()
    assert page.locator("#problems ol.items > li").count() >= 1
    assert not page.dialogs and not page.console, (page.dialogs, page.console)


def test_problem_links_jump_to_the_text(page, server):
    submit(page, server, FIXTURES / "load" / "seed003.docx")
    link = page.locator("#problems .where a").first
    target = link.get_attribute("href")
    link.click()
    assert page.url.endswith(target)
    assert page.locator(target).is_visible()


@pytest.mark.parametrize("name,data,headline", [
    ("empty.txt", b"", "文件是空的"),
    ("scanned.pdf", (FIXTURES / "load" / "scanned.pdf").read_bytes(), "没有文字层"),
])
def test_broken_file_shows_chinese_error(page, server, tmp_path, name, data, headline):
    f = tmp_path / name
    f.write_bytes(data)
    submit(page, server, f)
    box = page.locator(".error .headline")
    assert box.is_visible() and headline in box.inner_text()
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "返回上传页面" in body


def _img_report(tmp_path: Path) -> Path:
    text = SCRIPT_REPORT.read_text(encoding="utf-8")
    assert SCRIPT_TEXT in text
    p = tmp_path / "001_img_onerror.txt"
    p.write_text(text.replace(SCRIPT_TEXT, IMG_TEXT), encoding="utf-8")
    return p


@pytest.mark.parametrize("which", ["script", "img"])
def test_markup_in_a_report_is_shown_as_text(page, server, tmp_path, which):
    path, shown = (SCRIPT_REPORT, SCRIPT_TEXT) if which == "script" else (_img_report(tmp_path), IMG_TEXT)
    submit(page, server, path)
    assert "/r/" in page.url
    page.wait_for_timeout(300)  # give an injected handler time to fire, if there were one
    assert page.dialogs == []
    assert shown in page.locator(".doc").inner_text()
    assert page.locator(".doc script, .doc img, img[src=x]").count() == 0
    assert not page.console, page.console


def test_downloads_open(page, server, tmp_path):
    import docx
    import openpyxl

    submit(page, server, TXT)
    want = score_document(TXT, "core").score["total"]
    got = {}
    for name in ("memo.docx", "memo.html", "scores.xlsx"):
        with page.expect_download() as dl:
            page.click(f"a[href$='/{name}']")
        target = tmp_path / dl.value.suggested_filename
        dl.value.save_as(target)
        got[name] = target
    assert got["memo.docx"].name == "评估意见.docx"
    memo = docx.Document(str(got["memo.docx"]))
    assert any("评估意见" in p.text for p in memo.paragraphs)
    wb = openpyxl.load_workbook(got["scores.xlsx"])
    assert want in [c for row in wb.active.iter_rows(values_only=True) for c in row]
    assert got["memo.html"].read_text(encoding="utf-8").lstrip().startswith("<!DOCTYPE html>")


def test_corrected_draft_shows_what_changed(page, server, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_bytes(draft_with_table_error())
    submit(page, server, draft)
    first = page.url
    assert page.locator(".doc mark.err").count() >= 1  # the broken number is marked in the text
    assert page.locator("#tables td.cell-err").count() >= 1  # and in 表三
    fixed = tmp_path / "fixed.txt"
    fixed.write_bytes(TXT.read_bytes())
    page.set_input_files("#again input[type=file]", str(fixed))
    page.click("#again button[type=submit]")
    page.wait_for_load_state("load")
    assert page.url != first
    changes = page.locator("#changes").inner_text()
    from scorer.pipeline import Upload, score_document

    before = score_document(Upload("draft.txt", draft.read_bytes()), "core").score["total"]
    after = score_document(fixed, "core").score["total"]
    assert f"+{after - before:.1f}分" in changes and "已改正的问题（3）" in changes and "新出现的问题（0）" in changes
    page.click("#changes a[href^='/r/']")
    assert page.url == first


def test_too_large_upload_shows_chinese_limit_message(browser, tmp_path):
    """The server answers before reading a body past the limit; the browser still shows the page."""
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (3 * 1024 * 1024))
    app = create_app(WebConfig(max_upload_bytes=100 * 1024, workers=1, upload_dir=str(tmp_path / "up")))
    with LiveServer(app) as s:
        pg = browser.new_page()
        try:
            pg.goto(s.url + "/")
            pg.set_input_files("#file", str(big))
            pg.click("button[type=submit]")
            pg.wait_for_load_state("load")
            assert "文件超过大小限制（100 KB）" in pg.locator(".error .headline").inner_text()
        finally:
            pg.close()
    assert not list((tmp_path / "up").iterdir())
