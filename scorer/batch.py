"""Batch scoring: many reports, all cores, one bad file never stops the rest.

``run_batch`` takes files, directories (searched recursively for .txt .md .html .htm
.docx .pdf) or a manifest CSV, scores every document in worker processes, writes each
document's outputs atomically, and at the end writes the batch score sheet
(``scores.xlsx``, ``scores.csv``) and ``summary.html``.

Why a small worker pool of our own rather than joblib / ``ProcessPoolExecutor``: the
per-document time limit has to stop *that* document even when it hangs inside C code
(a regex, a PDF parser), and a worker that crashes (segfault, out of memory) must cost
one document, not the batch. Each worker runs one document at a time, so the parent
knows what every worker is doing and can kill and replace exactly the stuck one. A
soft limit (``SIGALRM`` in the worker) handles the ordinary case cleanly; the hard
kill is the backstop. Workers receive and return plain data only.

Reruns skip documents whose input bytes, metadata overrides, criteria set, engine
version and formats are unchanged (state in ``OUT/.xxgk/``); ``force=True`` redoes
them. Outputs do not depend on the number of jobs: rows are ordered by input path.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait as _wait
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from scorer.errors import ManifestError, ScorerError
from scorer.model import CriteriaSet
from scorer.render import MEMO_EXTENSIONS, render, render_csv, render_summary_html, render_xlsx, write_atomic
from scorer.pipeline import ScoreOptions, score_document
from scorer.provenance import criteria_fingerprint, engine_version

__all__ = [
    "run_batch",
    "collect_inputs",
    "read_manifest",
    "Manifest",
    "BatchItem",
    "DocOutcome",
    "BatchReport",
    "BATCH_EXTENSIONS",
    "DEFAULT_FORMATS",
    "DEFAULT_TIMEOUT",
]

BATCH_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
DEFAULT_FORMATS: tuple[str, ...] = ("json", "md", "html", "docx")
DEFAULT_TIMEOUT = 120.0  # seconds per document
HARD_GRACE = 15.0  # seconds after the soft limit before the worker is killed
STATE_DIR = ".xxgk"
BATCH_STATE = "@sheets"  # not a possible document key: keys are file stems, '@' kept apart
SHEETS = {"xlsx": "scores.xlsx", "csv": "scores.csv", "summary": "summary.html"}


# --------------------------------------------------------------------------- manifest

def _is_iso_date(value: Any) -> bool:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return True
    try:
        _dt.date.fromisoformat(str(value))
        return len(str(value)) == 10
    except ValueError:
        return False


class Manifest(pa.DataFrameModel):
    """A batch manifest: one row per document (CSV, UTF-8 or GBK, header row)."""

    file: Series[str] = pa.Field(unique=True, title="文件（相对清单所在目录）")
    agency: Series[str] = pa.Field(nullable=True, title="机构")
    report_year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1990, le=2100, title="报告年度")
    published_on: Series[str] = pa.Field(nullable=True, title="发布日期 YYYY-MM-DD")
    url: Series[str] | None = pa.Field(nullable=True, title="原文链接")
    deadline: Series[str] | None = pa.Field(nullable=True, title="发布期限 YYYY-MM-DD")

    class Config:
        strict = "filter"  # extra columns (notes, 序号 …) are allowed and ignored
        coerce = True

    @pa.check("published_on", "deadline", name="iso-date")
    def iso_date(cls, s: pd.Series) -> pd.Series:
        """Dates are YYYY-MM-DD."""
        return s.map(_is_iso_date).astype(bool)

    @pa.dataframe_check(name="unique-agency-year")
    def one_report_per_agency_year(cls, df: pd.DataFrame) -> pd.Series:
        """An agency has at most one report per year."""
        known = df["agency"].notna() & df["report_year"].notna()
        dup = df[known].duplicated(["agency", "report_year"], keep=False)
        return ~dup.reindex(df.index, fill_value=False)


_CHECK_WORDS = {
    "field_uniqueness": "文件重复",
    "unique-agency-year": "同一机构同一年度重复",
    "iso-date": "不是有效日期（应为YYYY-MM-DD）",
    "greater_than_or_equal_to(1990)": "年度不合理",
    "less_than_or_equal_to(2100)": "年度不合理",
    "not_nullable": "不能为空",
    "coerce_dtype('Int64')": "不是整数年份",
}


def _manifest_problems(err: Any, df: pd.DataFrame) -> list[str]:
    """One Chinese phrase per problem, ordered by CSV line (header is line 1)."""
    fc = err.failure_cases
    problems: list[tuple[int, str]] = []
    for _, row in fc.iterrows():
        check = str(row["check"])
        col = row["column"]
        if check == "column_in_dataframe":
            problems.append((0, f"缺少列 {row['failure_case']}"))
            continue
        idx = row["index"]
        known = idx is not None and not pd.isna(idx)
        n = int(idx) + 2 if known else 1
        line = f"第{n}行" if known else "清单"
        words = _CHECK_WORDS.get(check, check)
        if check == "unique-agency-year" and known:
            r = df.loc[int(idx)]
            problems.append((n, f"{line}：{r['agency']} {r['report_year']}年 {words}"))
        elif col is not None and not pd.isna(col):
            problems.append((n, f"{line} {col}“{row['failure_case']}”{words}"))
        else:
            problems.append((n, f"{line}：{words}"))
    return [text for _, text in sorted(dict.fromkeys(problems), key=lambda t: t[0])]


def _read_csv_text(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ManifestError("无法识别清单的编码，请另存为UTF-8 CSV", path=str(path))


def read_manifest(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read and validate a batch manifest CSV.

    Columns: ``file, agency, report_year, published_on`` and optionally ``url``,
    ``deadline``. ``file`` is relative to the manifest's directory. Empty cells mean
    "detect from the document".

    Parameters
    ----------
    path : path
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        Validated rows (index = data row number − 2, i.e. 0 for CSV line 2).

    Raises
    ------
    ManifestError
        Missing columns, duplicate files or agency+year, bad dates or years; the
        message names every offending row by its line in the CSV.
    """
    import io

    p = Path(path)
    text = _read_csv_text(p)
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    df = df.apply(lambda s: s.str.strip()).replace({"": None})
    for opt in ("url", "deadline"):
        if opt not in df.columns:
            df[opt] = None
    df = df.astype(object)
    missing = [c for c in ("file", "agency", "report_year", "published_on") if c not in df.columns]
    if missing:
        raise ManifestError(f"缺少列 {', '.join(missing)}（需要 file, agency, report_year, published_on）",
                            path=str(p))
    bad_year = [i for i, v in df["report_year"].items() if v is not None and not str(v).isdigit()]
    if bad_year:
        raise ManifestError("；".join(f"第{i + 2}行 report_year“{df.at[i, 'report_year']}”不是整数年份"
                                     for i in bad_year), path=str(p))
    df["report_year"] = pd.array([None if v is None else int(v) for v in df["report_year"]], dtype="Int64")
    try:
        return Manifest.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise ManifestError("；".join(_manifest_problems(err, df)), path=str(p)) from None


# --------------------------------------------------------------------------- inputs

@dataclass(frozen=True)
class BatchItem:
    """One document to score: its path, output base name and metadata overrides."""

    path: str
    key: str
    overrides: tuple[tuple[str, Any], ...] = ()


def _walk(root: Path, exclude: Path | None) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        # never read our own outputs back as inputs, nor hidden folders
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and (exclude is None or (here / d).resolve() != exclude))
        for name in filenames:
            if name.startswith((".", "~$")):
                continue
            if Path(name).suffix.lower() in BATCH_EXTENSIONS:
                found.append(here / name)
    return found


def _keys(paths: Sequence[Path]) -> list[str]:
    """Output base names: the file stem, or the relative path when stems collide."""
    stems = [p.stem for p in paths]
    dup = {s for s in stems if stems.count(s) > 1}
    if not dup:
        return stems
    root = Path(os.path.commonpath([str(p.resolve().parent) for p in paths]))
    out = []
    for p, s in zip(paths, stems):
        if s in dup:
            rel = p.resolve().relative_to(root)
            out.append("__".join(rel.with_suffix("").parts) + "_" + p.suffix.lstrip(".").lower())
        else:
            out.append(s)
    return out


def collect_inputs(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    manifest: str | os.PathLike[str] | None = None,
    exclude: str | os.PathLike[str] | None = None,
) -> list[BatchItem]:
    """The documents of a batch, sorted by path.

    Parameters
    ----------
    inputs : path or iterable of paths
        Files, directories (recursive) or a single ``.csv`` manifest.
    manifest : path, optional
        A manifest CSV (same as passing it as the only input).
    exclude : path, optional
        A directory never searched (the output directory).

    Returns
    -------
    list of BatchItem

    Raises
    ------
    ManifestError
        The manifest is invalid.
    FileNotFoundError
        An input path does not exist.
    """
    items = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    paths = [Path(p) for p in items]
    if manifest is None and len(paths) == 1 and paths[0].suffix.lower() == ".csv" and paths[0].is_file():
        manifest, paths = paths[0], []
    excl = Path(exclude).resolve() if exclude else None
    found: dict[str, tuple[Path, tuple[tuple[str, Any], ...]]] = {}
    if manifest is not None:
        mpath = Path(manifest)
        df = read_manifest(mpath)
        for _, row in df.iterrows():
            over = {k: (None if pd.isna(row.get(k)) else row.get(k))
                    for k in ("agency", "report_year", "published_on", "url", "deadline") if k in row}
            over = {k: (int(v) if k == "report_year" and v is not None else v) for k, v in over.items()
                    if v is not None}
            p = mpath.parent / str(row["file"])
            found[str(p)] = (p, tuple(sorted(over.items())))
    for p in paths:
        if p.is_dir():
            for f in _walk(p, excl):
                found.setdefault(str(f), (f, ()))
        elif p.exists():
            found.setdefault(str(p), (p, ()))
        else:
            raise FileNotFoundError(f"{p}: no such file or directory")
    ordered = sorted(found.values(), key=lambda t: str(t[0]))
    keys = _keys([p for p, _ in ordered])
    return [BatchItem(str(p), k, over) for (p, over), k in zip(ordered, keys)]


# --------------------------------------------------------------------------- results

@dataclass(frozen=True)
class DocOutcome:
    """What happened to one document of a batch."""

    path: str
    key: str
    status: str  # "scored" | "failed"
    error: str | None = None  # one line, for failures
    total: float | None = None
    seconds: float = 0.0
    cached: bool = False  # True: unchanged since the last run, not redone
    outputs: tuple[str, ...] = ()


@dataclass
class BatchReport:
    """The outcome of :func:`run_batch`."""

    out_dir: str
    criteria_set: str
    outcomes: list[DocOutcome]
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failures(self) -> list[DocOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def scored(self) -> list[DocOutcome]:
        return [o for o in self.outcomes if o.status == "scored"]

    @property
    def skipped(self) -> list[DocOutcome]:
        return [o for o in self.outcomes if o.cached]

    @property
    def worked(self) -> list[DocOutcome]:
        """Documents actually processed in this run (not skipped)."""
        return [o for o in self.outcomes if not o.cached]

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary_lines(self) -> list[str]:
        """A short Chinese summary, then one line per failure."""
        lines = [
            f"共{len(self.outcomes)}份：评分{len(self.scored)}份，失败{len(self.failures)}份"
            f"（其中{len(self.skipped)}份未变化，沿用上次结果）；用时{self.seconds:.1f}秒。",
        ]
        if self.outputs:
            lines.append("输出：" + "，".join(self.outputs[k] for k in sorted(self.outputs)))
        for o in self.failures:
            lines.append(f"失败：{o.path}：{o.error}")
        return lines


# --------------------------------------------------------------------------- workers

class DocumentTimeout(BaseException):
    """A document took longer than the per-document limit.

    A ``BaseException`` so that a pipeline stage's ``except Exception`` fallback cannot
    swallow it and carry on past the limit.
    """


def _one_line(exc: BaseException) -> str:
    # a LoadError's text starts with the path, which the failure list already shows
    reason = getattr(exc, "reason", None) if isinstance(exc, ScorerError) else None
    text = str(reason if isinstance(reason, str) and reason else exc).strip().splitlines()
    msg = text[0] if text else ""
    name = type(exc).__name__
    return f"{name}: {msg}" if msg else name


def _alarm(signum: int, frame: Any) -> None:
    raise DocumentTimeout()


def sheet_view(d: Mapping[str, Any]) -> dict[str, Any]:
    """What the batch sheets need of one result: document, score, findings, and per
    criterion its points, verdict and first quote. The parent keeps only this for
    each document (not evidence lists, explanations, tables), so memory stays flat
    in a batch of thousands."""
    return {
        "document": d["document"],
        "score": d["score"],
        "criteria_set": d.get("criteria_set"),
        "findings": [dict(f) for f in d["findings"]],
        "criteria": [
            {"id": c["id"], "title": c["title"], "weight": c["weight"], "points": c["points"],
             "verdict": c["verdict"], "evidence": list(c.get("evidence") or [])[:1]}
            for c in d["criteria"]
        ],
    }


def _process(task: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """Score one document and write its outputs. Runs in a worker; returns plain data."""
    start = time.monotonic()
    timeout = config["timeout"]
    # soft limit: SIGALRM (Unix); elsewhere only the parent's hard kill applies
    use_alarm = (bool(timeout) and hasattr(signal, "setitimer")
                 and threading.current_thread() is threading.main_thread())
    out: dict[str, Any] = {"path": task["path"], "key": task["key"], "status": "failed", "error": None,
                           "result": None, "outputs": [], "timeout": False}
    try:
        if use_alarm:
            signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, float(timeout))
        try:
            if not os.path.isfile(task["path"]):
                raise FileNotFoundError("文件不存在")
            result = score_document(task["path"], config["criteria_set"], ScoreOptions.of(**dict(task["overrides"])))
            data = result.to_dict()  # once, for the JSON and the sheet view
            payload = {fmt: render(data if fmt == "json" else result, fmt) for fmt in config["formats"]}
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
        written = []
        for fmt in config["formats"]:
            name = task["key"] + MEMO_EXTENSIONS[fmt]
            write_atomic(Path(config["out_dir"]) / name, payload[fmt])
            written.append(name)
        out.update(status="scored", result=sheet_view(data), outputs=written)
    except DocumentTimeout:
        out.update(error=f"超时：超过单份文件时限{timeout:g}秒", timeout=True)
    except Exception as exc:  # one bad document must not stop the batch
        out["error"] = _one_line(exc)
    out["seconds"] = round(time.monotonic() - start, 3)
    # the worker keeps the books for its own document, so the parent, which shares
    # the cores with the workers, does no per-document writing
    _record(Path(config["out_dir"]), task, out)
    out["recorded"] = True
    return out


def _record(out: Path, task: Mapping[str, Any], res: Mapping[str, Any]) -> None:
    """Write one document's rerun state (after its outputs); a failure removes any
    stale memo of an earlier run, which must not contradict it."""
    key = task["key"]
    if res["status"] != "scored":
        for ext in MEMO_EXTENSIONS.values():
            (out / f"{key}{ext}").unlink(missing_ok=True)
    total = res["result"]["score"]["total"] if res["result"] else None
    state = {"fingerprint": task["fingerprint"], "path": res["path"], "status": res["status"],
             "error": res["error"], "timeout": res.get("timeout", False), "total": total,
             "outputs": res["outputs"]}
    write_atomic(out / STATE_DIR / f"{key}.json", json.dumps(state, ensure_ascii=False, sort_keys=True, indent=2))


_WARM_TEXT = (
    "某某局2022年度政府信息公开工作年度报告\n一、总体情况\n2022年，我局举办政府开放日活动1次。\n"
    "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n"
    "五、存在的主要问题及改进情况\n六、其他需要报告的事项\n"
)


def _warm_up(criteria_set: CriteriaSet) -> None:
    """Load what the pipeline loads lazily (dictionaries, the evidence model) once.

    Run before the per-document clock starts: in the parent before forking (workers
    inherit it), or in each spawned worker before its first task. Without it the
    first document of every worker would pay seconds of start-up inside its limit.
    """
    from dataclasses import replace

    from scorer.model import Document

    doc = Document(path="<warm-up>", format="txt", text=_WARM_TEXT, kind="report", title=None,
                   agency="某某局", report_year=2022, published_on=None, metadata_source={})
    try:
        from scorer.sections import find_sections

        doc = replace(doc, sections=tuple(find_sections(_WARM_TEXT)))
        score_document(doc, criteria_set)
    except Exception:
        pass  # a real document will report the real error


def _worker_main(conn: Any, config: Mapping[str, Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    if config.get("warm_in_worker"):
        _warm_up(config["criteria_set"])
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            break
        if task is None:
            break
        conn.send(_process(task, config))


class _Slot:
    def __init__(self, ctx: Any, config: Mapping[str, Any]) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, config), daemon=True)
        self.proc.start()
        child.close()
        self.task: dict[str, Any] | None = None
        self.started = 0.0

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.proc.kill()
            else:
                self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout=5)
        self.conn.close()


def _run_pool(tasks: Sequence[dict[str, Any]], config: Mapping[str, Any], jobs: int,
              on_done: Callable[[dict[str, Any]], None]) -> None:
    methods = mp.get_all_start_methods()
    # fork: workers inherit the loaded pipeline (dictionaries, models) for free
    ctx = mp.get_context("fork" if "fork" in methods else "spawn")
    if ctx.get_start_method() == "fork":
        _warm_up(config["criteria_set"])
    else:
        config = {**config, "warm_in_worker": True}
    timeout = config["timeout"]
    hard = (timeout + HARD_GRACE) if timeout else None
    queue = deque(tasks)
    slots = [_Slot(ctx, config) for _ in range(max(1, min(jobs, len(tasks))))]

    def fail(slot: _Slot, message: str) -> None:
        task = slot.task
        assert task is not None
        on_done({"path": task["path"], "key": task["key"], "status": "failed", "error": message,
                 "result": None, "outputs": [], "timeout": "超时" in message,
                 "seconds": round(time.monotonic() - slot.started, 3)})
        slot.task = None

    try:
        while queue or any(s.task for s in slots):
            for i, s in enumerate(slots):
                if s.task is None and queue:
                    s.task = queue.popleft()
                    s.started = time.monotonic()
                    try:
                        s.conn.send(s.task)
                    except (OSError, ValueError):  # the worker died while idle
                        s.stop(kill=True)
                        slots[i] = _Slot(ctx, config)
                        queue.appendleft(s.task)
                        slots[i].task = None
            busy = [s for s in slots if s.task]
            if not busy:
                continue
            _wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout=0.5)
            for i, s in enumerate(slots):
                if not s.task:
                    continue
                try:
                    if s.conn.poll():
                        out = s.conn.recv()
                        s.task = None
                        on_done(out)
                        continue
                except (EOFError, OSError):
                    pass
                if not s.proc.is_alive():
                    fail(s, f"处理进程异常退出（退出码{s.proc.exitcode}）")
                    s.stop(kill=True)
                    slots[i] = _Slot(ctx, config)
                elif hard and time.monotonic() - s.started > hard:
                    s.stop(kill=True)
                    fail(s, f"超时：超过单份文件时限{timeout:g}秒，处理进程已终止")
                    slots[i] = _Slot(ctx, config)
    finally:
        for s in slots:
            s.stop(kill=s.task is not None)


# --------------------------------------------------------------------------- batch

def _sha256(path: str) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def _fingerprint(item: BatchItem, content: str | None, crit: str, formats: Sequence[str]) -> str:
    payload = json.dumps([item.path, content, list(item.overrides), crit, engine_version(), list(formats)],
                         ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _load_state(state_dir: Path, key: str) -> dict[str, Any] | None:
    try:
        return json.loads((state_dir / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_csv_and_summary(sheets: Mapping[str, str], scored: Sequence[Mapping[str, Any]],
                           failures: Sequence[Mapping[str, str]], cs: CriteriaSet) -> None:
    write_atomic(sheets["csv"], render_csv(scored))
    write_atomic(sheets["summary"], render_summary_html(scored, failures=failures,
                                                        title=f"年度报告评估汇总（{cs.title}）"))


def _sheets_child(sheets: Mapping[str, str], scored: Sequence[Mapping[str, Any]],
                  failures: Sequence[Mapping[str, str]], cs: CriteriaSet) -> None:
    try:
        _write_csv_and_summary(sheets, scored, failures, cs)
    except BaseException:
        os._exit(1)  # the parent writes them again and reports the real error
    os._exit(0)


def _write_sheets(sheets: Mapping[str, str], scored: Sequence[Mapping[str, Any]],
                  failures: Sequence[Mapping[str, str]], cs: CriteriaSet) -> None:
    """scores.xlsx, scores.csv and summary.html. The CSV and the summary (matplotlib
    charts) are written by a forked child while the parent writes the workbook: the
    workers are done, so the second core is free, and the batch ends a second or
    two sooner."""
    child = None
    if "fork" in mp.get_all_start_methods():
        child = mp.get_context("fork").Process(target=_sheets_child, args=(sheets, scored, failures, cs))
        child.start()
    write_atomic(sheets["xlsx"], render_xlsx(scored, criteria_set=cs, failures=failures))
    if child is not None:
        child.join()
    if child is None or child.exitcode != 0:
        _write_csv_and_summary(sheets, scored, failures, cs)


def run_batch(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    criteria_set: CriteriaSet | str = "core",
    out_dir: str | os.PathLike[str] = "reports_out",
    *,
    jobs: int | None = None,
    force: bool = False,
    formats: Sequence[str] = DEFAULT_FORMATS,
    manifest: str | os.PathLike[str] | None = None,
    progress: Callable[[int, int, DocOutcome], None] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> BatchReport:
    """Score many documents and write memos, the score sheet and a summary page.

    Parameters
    ----------
    inputs : path or iterable of paths
        Files, directories (recursive: .txt .md .html .htm .docx .pdf) or one manifest
        CSV (columns ``file, agency, report_year, published_on``, optional ``url``,
        ``deadline``).
    criteria_set : CriteriaSet or str
        Criteria set object, shipped name or YAML path.
    out_dir : path
        Output directory: ``<name>.json/.md/.html/.docx`` per document, then
        ``scores.xlsx``, ``scores.csv``, ``summary.html``.
    jobs : int, optional
        Worker processes; default all cores.
    force : bool
        Redo documents even when unchanged since the last run.
    formats : sequence of {"json", "md", "html", "docx"}
        Per-document outputs; ``json`` is always written (it is the record the sheet
        is built from on reruns).
    manifest : path, optional
        A manifest CSV, in addition to ``inputs``.
    progress : callable(done, total, outcome), optional
        Called in the parent after each document (skipped ones included).
    timeout : float or None
        Seconds allowed per document; None for no limit.

    Returns
    -------
    BatchReport
        Outcomes sorted by input path; ``report.failures`` lists every failed
        document with its one-line error.

    Raises
    ------
    ManifestError
        The manifest is invalid (nothing is scored).
    CriteriaError
        The criteria set is unknown or invalid.
    ValueError
        An unknown format.
    """
    t0 = time.monotonic()
    fmts = tuple(dict.fromkeys(["json", *formats]))
    unknown = [f for f in fmts if f not in MEMO_EXTENSIONS]
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)}; use: {', '.join(MEMO_EXTENSIONS)}")
    if isinstance(criteria_set, CriteriaSet):
        cs = criteria_set
    else:
        from scorer.criteria import load_criteria

        cs = load_criteria(criteria_set)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    state_dir = out / STATE_DIR
    state_dir.mkdir(exist_ok=True)
    items = collect_inputs(inputs, manifest=manifest, exclude=out)
    crit = criteria_fingerprint(cs)

    outcomes: dict[str, DocOutcome] = {}
    results: dict[str, dict[str, Any]] = {}
    prints: dict[str, str] = {}
    tasks: list[dict[str, Any]] = []
    done = 0

    def report(o: DocOutcome) -> None:
        nonlocal done
        done += 1
        outcomes[o.path] = o
        if progress is not None:
            progress(done, len(items), o)

    for item in items:
        fp = _fingerprint(item, _sha256(item.path), crit, fmts)
        prints[item.key] = fp
        state = None if force else _load_state(state_dir, item.key)
        if state and state.get("fingerprint") == fp and not state.get("timeout"):
            if state["status"] == "scored" and all((out / n).is_file() for n in state.get("outputs", [])):
                try:
                    results[item.path] = sheet_view(json.loads((out / f"{item.key}.json").read_text(encoding="utf-8")))
                except (OSError, ValueError):
                    results.pop(item.path, None)
                else:
                    report(DocOutcome(item.path, item.key, "scored", None, state.get("total"),
                                      0.0, True, tuple(state.get("outputs", []))))
                    continue
            elif state["status"] == "failed":
                report(DocOutcome(item.path, item.key, "failed", state.get("error"), None, 0.0, True))
                continue
        tasks.append({"path": item.path, "key": item.key, "overrides": item.overrides, "fingerprint": fp})

    by_key = {t["key"]: t for t in tasks}

    def finished(res: dict[str, Any]) -> None:
        key = res["key"]
        total = res["result"]["score"]["total"] if res["result"] else None
        if res["status"] == "scored":
            results[res["path"]] = res["result"]
        if not res.get("recorded"):  # the worker died or was killed: the parent records it
            _record(out, by_key[key], res)
        report(DocOutcome(res["path"], key, res["status"], res["error"], total, res.get("seconds", 0.0),
                          False, tuple(res["outputs"])))

    if tasks:
        config = {"criteria_set": cs, "out_dir": str(out), "formats": fmts, "timeout": timeout}
        _run_pool(tasks, config, jobs or os.cpu_count() or 1, finished)

    ordered = [outcomes[i.path] for i in items]
    scored = [results[o.path] for o in ordered if o.status == "scored" and o.path in results]
    failures = [{"file": o.path, "error": o.error or ""} for o in ordered if o.status == "failed"]

    # the sheets are rebuilt only when some document changed (a rerun writes nothing)
    batch_fp = hashlib.sha256(json.dumps([[i.key, prints[i.key], outcomes[i.path].status] for i in items]
                                         + [crit], sort_keys=True).encode()).hexdigest()
    sheets = {k: str(out / name) for k, name in SHEETS.items()}
    prev = _load_state(state_dir, BATCH_STATE)
    if force or not prev or prev.get("fingerprint") != batch_fp or not all(Path(p).is_file() for p in sheets.values()):
        _write_sheets(sheets, scored, failures, cs)
        write_atomic(state_dir / f"{BATCH_STATE}.json", json.dumps({"fingerprint": batch_fp}, indent=2))
    return BatchReport(str(out), cs.id, ordered, sheets, round(time.monotonic() - t0, 3))
