"""The self-check web page without a browser: headers, limits, errors, links, diffs.

Browser tests (a real headless Chromium) are in test_web_browser.py.
"""
from __future__ import annotations

import html
import re
import secrets
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's TestClient warns about its httpx backend
    from fastapi.testclient import TestClient

from scorer.pipeline import Upload, score_document
from scorer.web import SECURITY_HEADERS, WebConfig, create_app
from scorer.web.compare import compare_results
from scorer.web.highlight import Mark, highlight, result_marks

from .conftest import CORPORA, FIXTURES

MD = CORPORA / "reports" / "004_shanghai_kewei_2024.md"
TXT = CORPORA / "reports" / "020_pingtan_gongan_2024.txt"
SCANNED = FIXTURES / "load" / "scanned.pdf"
CJK = re.compile(r"[\u4e00-\u9fff]")


def draft_with_table_error() -> bytes:
    """020 with 表三 本年新收 raised from 8 to 9: T3-identity and X-text-table errors."""
    text = TXT.read_text(encoding="utf-8")
    old = "一、本年新收政府信息公开申请数量 8 0 0 0 0 0 8"
    assert text.count(old) == 1
    return text.replace(old, "一、本年新收政府信息公开申请数量 9 0 0 0 0 0 9").encode("utf-8")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(WebConfig(workers=2, timeout=60, upload_dir=str(tmp_path_factory.mktemp("uploads"))))
    with TestClient(app, follow_redirects=False) as c:
        yield c


def upload(c: TestClient, name: str, data: bytes, **form) -> "object":
    return c.post("/check", files={"file": (name, data)}, data={"criteria": "core", **form})


def result_id(resp) -> str:
    assert resp.status_code == 303, resp.text[:500]
    loc = resp.headers["location"]
    assert re.fullmatch(r"/r/[A-Za-z0-9_-]{32}", loc)
    return loc[3:]


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize("path", ["/", "/static/style.css", "/r/" + "A" * 32, "/no-such-page"])
def test_security_headers_on_every_response(client, path):
    r = client.get(path)
    for k, v in SECURITY_HEADERS.items():
        assert r.headers.get(k) == v, (path, k)
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp  # no script may run at all
    assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp


def test_upload_page_is_chinese_and_lists_criteria_sets(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "年度报告发布前自查" in r.text
    from scorer.criteria import shipped_names

    for name in shipped_names():
        assert f'value="{name}"' in r.text
    assert "<script" not in r.text


# --------------------------------------------------------------------------- scoring


def test_result_page_has_the_library_score_problems_text_and_tables(client):
    rid = result_id(upload(client, MD.name, MD.read_bytes()))
    page = client.get(f"/r/{rid}")
    assert page.status_code == 200
    from scorer.pipeline import run

    scored = run(Upload(MD.name, MD.read_bytes()), "core")  # the same library call as the CLI
    want = scored.result
    total = re.search(r'id="total">([^<]+)<', page.text).group(1)
    assert total == f"{want.score['total']:.1f}"
    assert "需要修改的问题" in page.text and "修改：" in page.text
    # every highlighted evidence quote is text of the report as read
    doc = page.text.split('<div class="doc">', 1)[1].split("</div>", 1)[0]
    marks = re.findall(r'<mark class="ev"[^>]*>([^<]+)</mark>', doc)
    assert marks
    assert all(html.unescape(m) in scored.document.text for m in marks)
    assert "表三 收到和处理政府信息公开申请情况" in page.text and "自然人" in page.text


def test_auto_criteria_picks_the_years_set_else_core(client):
    r = client.post("/check", files={"file": (MD.name, MD.read_bytes())}, data={"criteria": "auto"})
    page = client.get(f"/r/{result_id(r)}").text
    assert "core" in page and "自动选用核心指标" in page  # no 2024 set ships


def test_downloads(client):
    import io

    import docx
    import openpyxl

    rid = result_id(upload(client, TXT.name, TXT.read_bytes()))
    d = client.get(f"/r/{rid}/memo.docx")
    assert d.status_code == 200 and "attachment" in d.headers["content-disposition"]
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(d.content)).paragraphs)
    assert "评估意见" in body
    x = client.get(f"/r/{rid}/scores.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    cells = [c for row in wb.active.iter_rows(values_only=True) for c in row]
    want = score_document(TXT, "core").score["total"]
    assert want in cells
    h = client.get(f"/r/{rid}/memo.html")
    assert h.text.lstrip().startswith("<!DOCTYPE html>") and "attachment" in h.headers["content-disposition"]


def test_second_draft_shows_what_changed(client):
    first = result_id(upload(client, "draft.txt", draft_with_table_error()))
    second = result_id(upload(client, "draft.txt", TXT.read_bytes(), previous=first))
    page = client.get(f"/r/{second}").text
    assert "与上一稿相比" in page
    # the page adds no scoring: the totals and the change are the library's
    before = score_document(Upload("draft.txt", draft_with_table_error()), "core").score["total"]
    after = score_document(TXT, "core").score["total"]
    assert after > before
    assert f"{before:.1f} → {after:.1f}" in page and f"+{after - before:.1f}分" in page
    assert "已改正的问题（3）" in page and "新出现的问题（0）" in page
    assert "表格数据勾稽一致、正文与表格一致：部分达标 → 达标" in text_of(page)


def test_the_upload_form_on_a_result_carries_its_id(client):
    rid = result_id(upload(client, TXT.name, TXT.read_bytes()))
    page = client.get(f"/r/{rid}").text
    assert f'<input type="hidden" name="previous" value="{rid}">' in page


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("name,data,headline", [
    ("empty.txt", b"", "文件是空的"),
    ("scanned.pdf", SCANNED.read_bytes(), "没有文字层"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "无法识别的文件格式"),
])
def test_unreadable_files_get_a_chinese_error_without_traceback(client, name, data, headline):
    r = upload(client, name, data)
    assert r.status_code == 422
    assert headline in r.text and "返回上传页面" in r.text
    assert "Traceback" not in r.text and 'File "' not in r.text
    detail = re.search(r"<code>([^<]*)</code>", r.text).group(1)
    assert "\n" not in detail and name in detail  # the library's message, one line


def test_a_yaodian_is_refused_as_not_a_report(client):
    yd = next((CORPORA / "yaodian").glob("*.txt"), None) if (CORPORA / "yaodian").is_dir() else None
    if yd is None:
        pytest.skip("no 要点 text in corpora/yaodian")
    r = upload(client, yd.name, yd.read_bytes())
    assert r.status_code == 422 and "不是政府信息公开工作年度报告" in r.text


@pytest.mark.parametrize("value", ["2025-02-30", "明天", "1999-01-01", "2025/13/01"])
def test_a_bad_publication_date_gets_a_clear_message(client, value):
    r = upload(client, TXT.name, TXT.read_bytes(), published_on=value)
    assert r.status_code == 400
    assert "发布日期" in r.text and html.escape(value) in r.text
    assert 'name="file"' in r.text  # the form again, to correct it


def test_a_good_publication_date_is_used(client):
    r = upload(client, TXT.name, TXT.read_bytes(), published_on="2025年3月5日")
    page = client.get(f"/r/{result_id(r)}").text
    assert "2025-03-05" in page


def test_missing_file_and_unknown_criteria(client):
    r = client.post("/check", data={"criteria": "core"})
    assert r.status_code == 400 and "请选择要上传的报告文件" in r.text
    r = client.post("/check", files={"file": (TXT.name, TXT.read_bytes())}, data={"criteria": "../../etc/passwd"})
    assert r.status_code == 400 and "没有名为" in r.text


def test_guessed_or_unknown_ids_are_404(client):
    rid = result_id(upload(client, TXT.name, TXT.read_bytes()))
    assert client.get(f"/r/{rid}").status_code == 200
    for path in (f"/r/{secrets.token_urlsafe(24)}", f"/r/{rid[:-1]}", "/r/1", f"/r/{rid}/memo.pdf",
                 f"/r/{secrets.token_urlsafe(24)}/memo.docx", "/r/../../etc/passwd"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "找不到这个结果" in r.text or "请求无法处理" in r.text


def test_wrong_method_gets_a_chinese_page(client):
    r = client.get("/check")
    assert r.status_code == 405 and CJK.search(r.text) and "Traceback" not in r.text


# --------------------------------------------------------------------------- limits and storage


def test_upload_size_limit(tmp_path):
    app = create_app(WebConfig(max_upload_bytes=4096, workers=1, warm_start=False, upload_dir=str(tmp_path)))
    with TestClient(app) as c:
        r = c.post("/check", files={"file": (TXT.name, TXT.read_bytes())}, data={"criteria": "core"})
        assert r.status_code == 413
        assert "文件超过大小限制（4 KB）" in r.text
        assert not list(tmp_path.iterdir())
        # under the limit it is scored
        small = b"x" * 100
        r = c.post("/check", files={"file": ("small.txt", small)}, data={"criteria": "core"})
        assert r.status_code == 422  # read, but not a report


def test_processing_time_limit_kills_the_job_and_the_server_goes_on(tmp_path):
    from .test_bad_input import _slow_pdf

    slow = tmp_path / "slow.pdf"
    _slow_pdf(slow)
    app = create_app(WebConfig(timeout=2, workers=1, upload_dir=str(tmp_path / "up")))
    with TestClient(app, follow_redirects=False) as c:
        r = c.post("/check", files={"file": ("slow.pdf", slow.read_bytes())}, data={"criteria": "core"})
        assert r.status_code == 504
        assert "处理超时" in r.text and "2秒" in r.text
        r = c.post("/check", files={"file": (TXT.name, TXT.read_bytes())}, data={"criteria": "core"})
        assert r.status_code == 303
    import multiprocessing

    assert not [p for p in multiprocessing.active_children() if p.name.startswith("Process")]


def test_uploads_are_deleted_unless_kept(tmp_path):
    for keep in (False, True):
        d = tmp_path / str(keep)
        app = create_app(WebConfig(workers=1, keep_uploads=keep, upload_dir=str(d), warm_start=False))
        with TestClient(app, follow_redirects=False) as c:
            assert c.post("/check", files={"file": (TXT.name, TXT.read_bytes())},
                          data={"criteria": "core"}).status_code == 303
            footer = c.get("/").text
            assert ("由管理员设置为保留" in footer) == keep and ("评分后即删除" in footer) == (not keep)
        kept = list(d.iterdir())
        assert len(kept) == (1 if keep else 0)
        if keep:
            assert kept[0].read_bytes() == TXT.read_bytes() and kept[0].suffix == ".txt"


def test_result_store_is_capped(tmp_path):
    app = create_app(WebConfig(workers=1, max_results=2, warm_start=False, upload_dir=str(tmp_path)))
    with TestClient(app, follow_redirects=False) as c:
        ids = [result_id(c.post("/check", files={"file": (TXT.name, TXT.read_bytes())}, data={"criteria": "core"}))
               for _ in range(3)]
        assert [c.get(f"/r/{i}").status_code for i in ids] == [404, 200, 200]


# --------------------------------------------------------------------------- pieces


def test_highlight_escapes_every_fragment_and_keeps_the_text():
    text = "甲<script>alert(1)</script>乙<img src=x onerror=alert(2)>丙&amp;丁"
    marks = [Mark(1, 9, "ev", 'a"><b>', "m-a"), Mark(5, 30, "err", "<i>", "m-b"), Mark(28, 60, "warn", "x", "m-c"),
             Mark(-5, 0, "ev", "empty", "m-d"), Mark(200, 300, "ev", "outside", "m-e")]
    out = str(highlight(text, marks))
    assert "<script" not in out and "<img" not in out and "<b>" not in out and "<i>" not in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text  # the text, whole and in order
    assert out.count('id="m-a"') == out.count('id="m-b"') == out.count('id="m-c"') == 1
    assert 'id="m-d"' not in out and 'id="m-e"' not in out
    assert '<mark class="err"' in out  # the error wins where it overlaps evidence


def test_marks_point_at_the_findings_and_evidence_of_a_real_result():
    data = draft_with_table_error()
    from scorer.pipeline import run

    scored = run(Upload("draft.txt", data), "core")
    d = scored.result.to_dict()
    marks = result_marks(d)
    assert {m.kind for m in marks} >= {"err", "ev"}
    text = scored.document.text
    for f in d["findings"]:
        if f["span"]:
            kind = "err" if f["severity"] == "error" else "warn"  # 020's reworded 五 is info
            assert any(m.start == f["span"][0] and m.kind == kind for m in marks)
    ev = [m for m in marks if m.kind == "ev"]
    assert all(text[m.start:m.end].strip() for m in ev)


def test_compare_results_of_two_drafts():
    old = score_document(Upload("draft.txt", draft_with_table_error()), "core").to_dict()
    new = score_document(TXT, "core").to_dict()
    ch = compare_results(old, new)
    assert ch["delta"] == round(new["score"]["total"] - old["score"]["total"], 1) > 0
    assert {f["id"] for f in ch["fixed"]} == {"T3-identity", "X-text-table"} and ch["new"] == []
    back = compare_results(new, old)
    assert back["delta"] == -ch["delta"] and len(back["new"]) == len(ch["fixed"]) and back["fixed"] == []
    assert compare_results(new, new) == {**compare_results(new, new), "delta": 0.0, "verdicts": [], "fixed": [], "new": []}


def test_serve_command_is_registered(runner):
    from scorer.cli import cli

    r = runner.invoke(cli, ["serve", "--help"])
    assert r.exit_code == 0 and "--keep-uploads" in r.output and "127.0.0.1" in r.output


def test_a_stuck_upload_does_not_block_others_on_a_real_server(tmp_path):
    """Two uploads at once on uvicorn: a PDF that takes pdfplumber ~20 s is stopped at
    the time limit, and a normal report sent while it runs is answered first."""
    import threading
    import time
    import urllib.error
    import urllib.request

    from .conftest import LiveServer
    from .test_bad_input import _slow_pdf

    slow = tmp_path / "slow.pdf"
    _slow_pdf(slow)

    def post(url: str, name: str, data: bytes) -> int:
        boundary = secrets.token_hex(8)
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"criteria\"\r\n\r\ncore\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(url + "/check", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:  # follows the 303 to the result page
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    done: list[tuple[str, int]] = []
    app = create_app(WebConfig(workers=2, timeout=4, upload_dir=str(tmp_path / "up")))
    with LiveServer(app) as s:
        a = threading.Thread(target=lambda: done.append(("slow", post(s.url, "slow.pdf", slow.read_bytes()))))
        a.start()
        time.sleep(0.5)
        done.append(("quick", post(s.url, TXT.name, TXT.read_bytes())))
        a.join(timeout=60)
    assert done == [("quick", 200), ("slow", 504)]


def test_an_expired_previous_draft_is_said_not_compared(client):
    r = upload(client, TXT.name, TXT.read_bytes(), previous=secrets.token_urlsafe(24))
    page = client.get(f"/r/{result_id(r)}").text
    assert "上一稿的结果已过期" in page and "与上一稿相比" not in page


def test_xxgk_serve_starts_on_loopback_and_answers():
    import subprocess
    import sys
    import time
    import urllib.request

    from .conftest import ROOT, free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "scorer", "serve", "--port", str(port), "--workers", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    body, headers = r.read().decode("utf-8"), r.headers
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()
                time.sleep(0.2)
        assert "年度报告发布前自查" in body
        assert headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]
        assert "server" not in {k.lower() for k in headers}  # no version banner
    finally:
        proc.terminate()
        err = proc.communicate(timeout=30)[1].decode()
    assert f"http://127.0.0.1:{port}/" in err and "Traceback" not in err


def test_runner_reports_timeouts_and_crashes_as_data():
    """Jobs are stdlib functions here, so a child has nothing to import."""
    import asyncio
    import os
    import time

    from scorer.web.runner import CRASH, TIMEOUT, Runner

    r = Runner(workers=4, timeout=5, preload=["scorer.web.runner"])
    r.start()  # the forkserver is up before the clock runs

    async def go():
        return await asyncio.gather(r.run(tuple, ["ok", 1]), r.run(time.sleep, 60), r.run(os._exit, 3),
                                    r.run(int, "boom"))

    try:
        ok, slow, died, raised = asyncio.run(go())
    finally:
        r.close()
    assert ok == ("ok", 1)
    assert slow == (TIMEOUT, None)
    assert died[0] == CRASH and raised[0] == CRASH and "boom" in raised[1]


def test_two_files_in_one_upload_get_a_chinese_page(client):
    r = client.post("/check", files=[("file", ("a.txt", b"a")), ("file", ("b.txt", b"b"))], data={"criteria": "core"})
    assert r.status_code == 400 and CJK.search(r.text) and "Traceback" not in r.text


def test_grade_bands():
    from scorer.grade import grade_of

    assert [grade_of(x) for x in (100, 90, 89.9, 80, 79.9, 60, 59.9, 0, None)] == [
        "优秀", "优秀", "良好", "良好", "合格", "合格", "不合格", "不合格", "无法计分"]


def test_table_cells_behind_each_finding_are_marked():
    from scorer.tables import labels as L
    from scorer.web.tables_view import tables_view

    d = score_document(Upload("draft.txt", draft_with_table_error()), "core").to_dict()
    t3 = tables_view(d)[1]
    cols = list(L.REQUEST_COLUMNS)
    marked = {(r["label"], cols[i]) for r in t3["rows"] for i, c in enumerate(r["cells"]) if c["mark"] == "err"}
    want = {(L.REQUEST_ROW_LABELS[r], c) for r in L.IDENTITY_ROWS for c in ("natural_person", "total")}
    assert marked == want  # T3-identity in two columns; X-text-table's cell (new.total) is among them
    new_total = next(r for r in t3["rows"] if r["label"] == L.REQUEST_ROW_LABELS["new"])["cells"][-1]
    assert new_total["text"] == "9" and "正文称收到政府信息公开申请8件" in new_total["title"]
    clean = tables_view(score_document(TXT, "core").to_dict())
    assert not any(c["mark"] in ("err", "warn") for t in clean for r in t["rows"] for c in r["cells"])
