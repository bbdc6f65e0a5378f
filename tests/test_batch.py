"""Batch runs on corpus files plus broken ones: failures, outputs, reruns, time limits."""
from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scorer.batch import executor, run_batch, sheets, worker
from tests.conftest import CORPORA, seed

GOOD = {
    "003.txt": seed("003"),
    "000.txt": seed("000"),
    "pingtan/020_gongan_2024.txt": CORPORA / "reports" / "020_pingtan_gongan_2024.txt",
}
BROKEN = {
    "broken/empty.txt": b"",
    "broken/binary.txt": bytes(range(256)) * 8,
    "broken/notzip.docx": "这不是一个DOCX文件".encode("utf-8"),
}


@pytest.fixture
def inputs(tmp_path):
    root = tmp_path / "in"
    for name, src in GOOD.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, root / name)
    for name, data in BROKEN.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


def test_batch_completes_lists_failures_and_rerun_does_no_work(inputs, tmp_path, core):
    out = tmp_path / "out"
    seen = []
    rep = run_batch(inputs, core, out, jobs=2, timeout=60, progress=lambda d, t, o: seen.append((d, t, o.path)))
    # every document is accounted for, in path order; exactly the broken ones failed
    assert [Path(o.path).relative_to(inputs).as_posix() for o in rep.outcomes] == sorted([*GOOD, *BROKEN])
    assert sorted(Path(o.path).relative_to(inputs).as_posix() for o in rep.failures) == sorted(BROKEN)
    assert len(rep.scored) == 3 and not rep.ok and not rep.skipped
    for o in rep.failures:
        assert o.error and "\n" not in o.error
    assert [d for d, _, _ in seen] == [1, 2, 3, 4, 5, 6] and {t for _, t, _ in seen} == {6}
    # per-document outputs for the scored ones only
    for stem in ("003", "000", "020_gongan_2024"):
        for ext in (".json", ".md", ".html", ".docx"):
            assert (out / f"{stem}{ext}").is_file()
    assert not list(out.glob("empty.*")) and not list(out.glob("notzip.*"))
    d = json.loads((out / "003.json").read_text(encoding="utf-8"))
    assert d["document"]["path"] == str(inputs / "003.txt")
    assert any(f["id"] == "S-section-missing" for f in d["findings"])
    # the batch sheet: scores, failures
    wb = load_workbook(out / "scores.xlsx")
    names = wb.sheetnames
    assert names[:4] == ["得分表", "问题清单", "整改清单", "指标与分值"] and names[-1] == "未能评分"
    assert len(names) == 4 + 3 + 1  # one sheet per scored agency
    rows = list(wb["得分表"].iter_rows(min_row=2, values_only=True))
    assert [r[-1] for r in rows] == [str(inputs / "000.txt"), str(inputs / "003.txt"),
                                     str(inputs / "pingtan" / "020_gongan_2024.txt")]
    assert sorted(r[3] for r in rows) == sorted(rows_rank(rows))
    fails = list(wb["未能评分"].iter_rows(min_row=2, values_only=True))
    assert sorted(Path(f[0]).name for f in fails) == ["binary.txt", "empty.txt", "notzip.docx"]
    assert (out / "scores.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    summary = (out / "summary.html").read_text(encoding="utf-8")
    assert summary.count("data:image/png;base64,") == 2 and "notzip.docx" in summary
    lines = rep.summary_lines()
    assert lines[0].startswith("共6份：评分3份，失败3份")
    assert sum(1 for line in lines if line.startswith("失败：")) == 3

    # rerun: nothing is redone and nothing is rewritten
    before = mtimes(out)
    rep2 = run_batch(inputs, core, out, jobs=2, timeout=60)
    assert rep2.worked == [] and len(rep2.skipped) == 6
    assert [(o.path, o.status, o.error) for o in rep2.outcomes] == [(o.path, o.status, o.error) for o in rep.outcomes]
    assert mtimes(out) == before

    # a changed input is redone, alone
    with open(inputs / "000.txt", "a", encoding="utf-8") as fh:
        fh.write("\n")
    rep3 = run_batch(inputs, core, out, jobs=2, timeout=60)
    assert [Path(o.path).name for o in rep3.worked] == ["000.txt"]

    # force with one job: same bytes as two jobs (order and content do not depend on jobs)
    json_before = {p.name: p.read_bytes() for p in out.glob("*.json")}
    csv_before = (out / "scores.csv").read_bytes()
    rep4 = run_batch(inputs, core, out, jobs=1, force=True, timeout=60)
    assert len(rep4.worked) == 6
    assert {p.name: p.read_bytes() for p in out.glob("*.json")} == json_before
    assert (out / "scores.csv").read_bytes() == csv_before


def rows_rank(rows):
    totals = [r[2] for r in rows]
    return [1 + sum(1 for x in totals if x > t) for t in totals]


def test_csv_identical_across_job_counts(inputs, tmp_path, core):
    a = run_batch(inputs / "pingtan", core, tmp_path / "a", jobs=1, formats=("json",))
    b = run_batch([inputs / "pingtan", inputs / "003.txt"], core, tmp_path / "b", jobs=2, formats=("json",))
    assert a.ok and b.ok
    assert (tmp_path / "a" / "020_gongan_2024.json").read_bytes() == (tmp_path / "b" / "020_gongan_2024.json").read_bytes()
    assert not (tmp_path / "a" / "020_gongan_2024.md").exists()  # formats respected


def test_manifest_metadata_reaches_the_result(tmp_path, core):
    src = CORPORA / "reports" / "020_pingtan_gongan_2024.txt"
    (tmp_path / "docs").mkdir()
    shutil.copy(src, tmp_path / "docs" / "gongan.txt")
    m = tmp_path / "manifest.csv"
    m.write_text("file,agency,report_year,published_on,url,deadline\n"
                 "docs/gongan.txt,平潭综合实验区公安局,2024,2025-02-10,http://example.invalid/a,\n"
                 "docs/missing.txt,某局,2024,,,\n", encoding="utf-8")
    rep = run_batch(m, core, tmp_path / "out", jobs=1, formats=("json",))
    assert [Path(o.path).name for o in rep.failures] == ["missing.txt"]
    assert "文件不存在" in rep.failures[0].error
    d = json.loads((tmp_path / "out" / "gongan.json").read_text(encoding="utf-8"))
    assert d["document"]["published_on"] == "2025-02-10"
    assert d["document"]["url"] == "http://example.invalid/a"
    assert any(f["id"] == "P-late" for f in d["findings"])


# ---- time limits and crashes: the scoring function is replaced *inside the worker* by
# one that hangs or dies for one file (workers are forked, so they see the patch).

_REAL_SCORE = worker.score_document


def _slow_for(name, mode):
    real = _REAL_SCORE

    def fake(path, *a, **k):
        if Path(getattr(path, "path", path)).name == name:  # a path or a loaded Document
            if mode == "sleep":
                time.sleep(60)
            elif mode == "deaf":  # ignores the soft limit: the parent must kill it
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
                time.sleep(60)
            elif mode == "crash":
                os._exit(3)
        return real(path, *a, **k)

    return fake


@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(), reason="needs fork")
@pytest.mark.parametrize("mode,expected", [
    ("sleep", "超时：超过单份文件时限6秒"),
    ("deaf", "超时：超过单份文件时限6秒，处理进程已终止"),
    ("crash", "处理进程异常退出（退出码3）"),
])
def test_one_stuck_or_crashing_document_costs_only_itself(tmp_path, core, monkeypatch, mode, expected):
    root = tmp_path / "in"
    root.mkdir()
    shutil.copy(seed("003"), root / "a.txt")
    shutil.copy(seed("003"), root / "b.txt")
    shutil.copy(seed("003"), root / "c.txt")
    monkeypatch.setattr(worker, "score_document", _slow_for("b.txt", mode))
    monkeypatch.setattr(executor, "HARD_GRACE", 1.0)
    t0 = time.monotonic()
    # 6 s: far above the ~0.3 s a document takes, with room for a busy machine
    rep = run_batch(root, core, tmp_path / "out", jobs=2, timeout=6, formats=("json",))
    assert time.monotonic() - t0 < 40
    assert [(Path(o.path).name, o.status) for o in rep.outcomes] == [
        ("a.txt", "scored"), ("b.txt", "failed"), ("c.txt", "scored")]
    assert rep.failures[0].error == expected
    if mode != "crash":
        # a timeout may be the machine's fault: it is retried on the next run
        monkeypatch.setattr(worker, "score_document", _slow_for("none", mode))
        rep2 = run_batch(root, core, tmp_path / "out", jobs=2, timeout=60, formats=("json",))
        assert [Path(o.path).name for o in rep2.worked] == ["b.txt"] and rep2.ok


def test_whole_corpus_plus_five_broken_files(tmp_path):
    """The shipped corpus and five broken files: every report scored, exactly the
    five failures listed, and a rerun does no work."""
    import shutil

    from scorer.batch import run_batch

    from tests.conftest import CORPORA

    src = tmp_path / "in"
    src.mkdir()
    reports = sorted((CORPORA / "reports").iterdir()) + [
        p for p in sorted((CORPORA / "seeds").glob("*.txt")) if p.name[:3] in ("000", "002", "003")
    ]
    for p in reports:
        shutil.copy(p, src / p.name)
    broken = {"empty.txt": b"", "binary.pdf": b"%PDF-1.4\n\x00\x01garbage", "notzip.docx": b"plain text",
              "whitespace.md": b"  \n ", "scan.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}
    for name, data in broken.items():
        (src / name).write_bytes(data)
    (src / "scan.png").rename(src / "scan.txt")  # an image under a text name
    broken["scan.txt"] = broken.pop("scan.png")
    first = run_batch(src, "core", tmp_path / "out", jobs=2, formats=("json", "md"))
    assert {p.name for p in map(Path, (o.path for o in first.failures))} == set(broken)
    assert len(first.scored) == len(reports)
    again = run_batch(src, "core", tmp_path / "out", jobs=2, formats=("json", "md"))
    assert not again.worked  # nothing redone, failures included (their bytes did not change)
    assert len(again.failures) == 5 and len(again.scored) == len(reports)


def test_sheets_written_again_by_the_parent_when_the_child_fails(tmp_path, core, monkeypatch):
    # the CSV and summary are drawn in a forked child; if it dies, the parent writes
    # them itself (here a first-call failure that only the child sees)
    marker, ok_pid = tmp_path / "failed-once", tmp_path / "ok-pid"
    real = sheets.render_csv

    def flaky(scored):
        if not marker.exists():  # a file, not a list: the child's memory is its own
            marker.write_text(str(os.getpid()))
            raise RuntimeError("boom")
        ok_pid.write_text(str(os.getpid()))
        return real(scored)

    monkeypatch.setattr(sheets, "render_csv", flaky)
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(CORPORA / "reports/029_pingtan_xingzhengshenpi_2024.txt", src)
    report = run_batch(src, core, tmp_path / "out", jobs=1, formats=["json"])
    assert report.ok and len(report.scored) == 1
    assert (tmp_path / "out/scores.csv").read_bytes().startswith("\ufeff机构".encode("utf-8"))
    assert (tmp_path / "out/summary.html").stat().st_size > 1000
    assert int(marker.read_text()) != os.getpid()  # the child failed ...
    assert int(ok_pid.read_text()) == os.getpid()  # ... and the parent wrote the sheets
