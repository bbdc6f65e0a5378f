"""The batch summary page: score distribution and per-criterion pass rate charts.

Charts are drawn with matplotlib's Agg backend and embedded as base64 PNGs, so the
page is one file. Chinese labels use the Noto Sans CJK font shipped by ``mplfonts``
(loaded by file name, never by a system-wide font setting), so they render as glyphs
and not as empty boxes on machines without Chinese fonts.
"""
from __future__ import annotations

import base64
import importlib.util
import io
from urllib.parse import quote
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from scorer.hierarchy import COMPARE_HEADER, HIERARCHY_BASIS, MISSING_HEADER, STATUS_LABELS, HierarchyReport
from scorer.rules import rule_title
from scorer.render.common import ResultLike
from scorer.render.html import environment
from scorer.render.sheet import competition_ranks, result_dicts
from scorer.words import MEMO_LABELS, MEMO_LINK_LABELS

__all__ = ["cjk_font_path", "cjk_font", "score_histogram_png", "pass_rate_png", "render_summary_html",
           "pass_rates", "year_over_year"]

_FONT_FILES = ("NotoSansCJKsc-Regular.otf", "SimHei.ttf", "SourceHanSerifSC-Regular.otf")


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """Path of a CJK font file: the Noto Sans CJK SC that ``mplfonts`` ships.

    Found through the package spec without importing ``mplfonts`` (its import has no
    use here and may touch matplotlib's configuration).

    Raises
    ------
    FileNotFoundError
        ``mplfonts`` (a declared dependency) is not installed.
    """
    spec = importlib.util.find_spec("mplfonts")
    if spec is not None and spec.origin:
        fonts = Path(spec.origin).parent / "fonts"
        for name in _FONT_FILES:
            if (fonts / name).is_file():
                return fonts / name
    raise FileNotFoundError("CJK font not found: install mplfonts (pip install mplfonts)")


def cjk_font(size: float | None = None) -> Any:
    """A ``FontProperties`` for Chinese labels, registered with the font manager."""
    from matplotlib import font_manager

    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path), size=size)


def _figure(width: float, height: float) -> Any:
    # the object API with an Agg canvas: no pyplot global state, safe in workers
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    # no Software/creation metadata, so identical charts are identical bytes
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def score_histogram_png(totals: Sequence[float]) -> bytes:
    """Bar chart of how many documents fall in each 10-point band of the total."""
    font = cjk_font(11)
    bands = [f"{lo}–{lo + 10}" for lo in range(0, 100, 10)]
    counts = [0] * 10
    for t in totals:
        counts[min(int(t // 10), 9)] += 1
    fig = _figure(7, 3.6)
    ax = fig.add_subplot(1, 1, 1)
    ax.bar(range(10), counts, color="#4472c4")
    ax.set_xticks(range(10))
    ax.set_xticklabels(bands, fontsize=8)
    ax.set_title(f"总分分布（{len(totals)}份报告）", fontproperties=cjk_font(13))
    ax.set_xlabel("总分区间", fontproperties=font)
    ax.set_ylabel("报告数", fontproperties=font)
    ax.yaxis.get_major_locator().set_params(integer=True)
    for i, n in enumerate(counts):
        if n:
            ax.text(i, n, str(n), ha="center", va="bottom", fontsize=8)
    fig.tight_layout()
    return _png(fig)


def pass_rates(results: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per criterion: met / partial / not_met / assessable counts and the pass rate.

    Pass rate = met ÷ assessable documents (partial does not count as passed).
    """
    rows: dict[str, dict[str, Any]] = {}
    for r in results:
        for c in r["criteria"]:
            row = rows.setdefault(c["id"], {"id": c["id"], "title": c["title"], "met": 0, "partial": 0,
                                            "not_met": 0, "not_assessable": 0})
            row[c["verdict"]] = row.get(c["verdict"], 0) + 1
    for row in rows.values():
        row["assessable"] = row["met"] + row["partial"] + row["not_met"]
        row["rate"] = row["met"] / row["assessable"] if row["assessable"] else None
    return list(rows.values())


def pass_rate_png(rates: Sequence[Mapping[str, Any]]) -> bytes:
    """Horizontal bar chart of each criterion's pass rate (Chinese titles)."""
    font = cjk_font(10)
    shown = [r for r in rates if r["rate"] is not None]
    fig = _figure(7, 0.9 + 0.32 * max(1, len(shown)))
    ax = fig.add_subplot(1, 1, 1)
    ys = range(len(shown))
    ax.barh(list(ys), [100 * r["rate"] for r in shown], color="#70ad47")
    ax.set_yticks(list(ys))
    ax.set_yticklabels([r["title"] for r in shown], fontproperties=font)
    ax.invert_yaxis()  # first criterion on top, as in the sheet
    ax.set_xlim(0, 100)
    ax.set_xlabel("达标率（%）", fontproperties=font)
    ax.set_title("各指标达标率", fontproperties=cjk_font(13))
    for y, r in zip(ys, shown):
        ax.text(min(100 * r["rate"] + 1, 92), y, f"{100 * r['rate']:.0f}%", va="center", fontsize=8)
    fig.tight_layout()
    return _png(fig)


def year_over_year(results: Sequence[Mapping[str, Any]]) -> list[float | None]:
    """Per result, its total minus the total of the same agency's previous year's
    report in the same results (None when there is none or either has no total).
    Several reports of one agency and year: the first in input order counts."""
    totals: dict[tuple[str, int], float | None] = {}
    for d in results:
        doc = d["document"]
        if doc.get("agency") and doc.get("report_year"):
            totals.setdefault((doc["agency"], int(doc["report_year"])), d["score"].get("total"))
    out: list[float | None] = []
    for d in results:
        doc, total = d["document"], d["score"].get("total")
        prev = totals.get((doc.get("agency"), int(doc["report_year"]) - 1)) if doc.get("report_year") else None
        out.append(None if prev is None or total is None or not doc.get("agency") else round(total - prev, 1))
    return out


def render_summary_html(
    results: Sequence[ResultLike],
    *,
    failures: Sequence[Mapping[str, str]] = (),
    title: str = "政府信息公开工作年度报告评估汇总",
    links: Mapping[str, Mapping[str, str]] | None = None,
    hierarchy: HierarchyReport | None = None,
) -> str:
    """Render the batch summary page with embedded charts.

    Parameters
    ----------
    results : sequence of Result or dict
        Scored documents, in input-path order.
    failures : sequence of {"file", "error"}
        Documents that could not be scored.
    title : str
        Page heading.
    links : mapping, optional
        Document path → {extension: memo file name, relative to the page}; each
        agency's row links to its memos.
    hierarchy : HierarchyReport, optional
        Adds the sections 未发布年报 and 上下级核对 (:mod:`scorer.hierarchy`).

    Returns
    -------
    str
        A self-contained HTML page (charts as ``data:image/png;base64``).
    """
    dicts = result_dicts(results)  # iterated, not copied: results may be drawn lazily from the store
    totals = [d["score"]["total"] for d in dicts]
    ranks = competition_ranks(totals)
    deltas = year_over_year(dicts)
    links = links or {}

    def memo_links(path: Any) -> list[dict[str, str]]:
        found = links.get(str(path)) or {}
        return [{"label": MEMO_LINK_LABELS.get(ext, ext), "href": quote(name)}
                for ext, name in found.items()]

    rows = sorted(
        ({"agency": d["document"].get("agency") or "（未识别）", "year": d["document"].get("report_year"),
          "file": d["document"].get("path"), "total": t, "rank": rk, "findings": len(d["findings"]),
          "errors": sum(1 for f in d["findings"] if f["severity"] == "error"),
          "delta": dl, "links": memo_links(d["document"].get("path"))}
         for d, t, rk, dl in zip(dicts, totals, ranks, deltas)),
        key=lambda r: (r["rank"] is None, r["rank"] or 0, r["file"] or ""),
    )
    rates = pass_rates(dicts)
    scored = [t for t in totals if t is not None]
    rule_counts = Counter(f["id"] for d in dicts for f in d["findings"])
    common = [{"id": k, "title": rule_title(k), "n": n}
              for k, n in sorted(rule_counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    charts = {}
    if scored:
        charts["hist"] = base64.b64encode(score_histogram_png(scored)).decode("ascii")
    if any(r["rate"] is not None for r in rates):
        charts["rates"] = base64.b64encode(pass_rate_png(rates)).decode("ascii")
    stats = {
        "n": len(totals) + len(failures),
        "scored": len(totals),
        "failed": len(failures),
        "mean": f"{sum(scored) / len(scored):.1f}" if scored else "—",
        "min": f"{min(scored):.1f}" if scored else "—",
        "max": f"{max(scored):.1f}" if scored else "—",
    }
    return environment().get_template("summary.html.j2").render(
        title=title, rows=rows, rates=rates, common=common, charts=charts, stats=stats,
        failures=list(failures), show_delta=any(x is not None for x in deltas), show_links=bool(links),
        labels=MEMO_LABELS, hierarchy=hierarchy,
        hierarchy_text={"basis": HIERARCHY_BASIS, "missing_header": MISSING_HEADER,
                        "compare_header": COMPARE_HEADER, "check": STATUS_LABELS["check"]},
    )
