"""Build the loader fixtures in tests/fixtures/load/ from corpus reports.

Run: python tests/make_fixtures.py   (deterministic; the outputs are committed)

- seed000_gbk.html: seed 000 as a GBK-encoded web page (meta charset=gbk), its
  `|`-rows turned back into real <table> elements, with navigation chrome around it.
- seed003.docx: seed 003 as a Word document, its tab rows as Word tables.
- scanned.pdf: a one-page PDF holding only an image (no text layer).
"""
from __future__ import annotations

import html
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "load"


def _runs(lines: list[str], is_row) -> list[tuple[bool, list[str]]]:
    """Group consecutive lines into (is_table, lines) runs."""
    out: list[tuple[bool, list[str]]] = []
    for ln in lines:
        t = is_row(ln)
        if out and out[-1][0] == t:
            out[-1][1].append(ln)
        else:
            out.append((t, [ln]))
    return out


def gbk_html() -> None:
    src = (ROOT / "corpora/seeds/000_08bff46af6e18331.txt").read_text(encoding="utf-8")
    lines = src.split("\n")
    # one copy of the body is enough for the page; the loader test checks tables
    end = next(i for i, ln in enumerate(lines) if ln.startswith("相关链接"))
    body = lines[2:end]
    parts = [
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">',
        f"<title>{html.escape(lines[0])}</title><script>var x = '<p>不是正文</p>';</script></head><body>",
        '<div class="nav"><a href="/">首页</a> &gt; <a href="#">政务公开</a></div>',
        "<p>返回上一级</p><p>字号</p><p>打印</p>",
        f"<h1>{html.escape(lines[0])}</h1>",
    ]
    for is_table, run in _runs(body, lambda ln: " | " in ln or ln.rstrip().endswith("|")):
        if not is_table:
            parts.extend(f"<p>{html.escape(ln)}</p>" for ln in run if ln.strip())
            continue
        parts.append('<table border="1">')
        for ln in run:
            cells = [c.strip() for c in ln.strip().strip("|").split("|")]
            parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    parts.append("<p>关注我们</p><footer>版权所有 上海市松江区人民政府</footer></body></html>")
    (OUT / "seed000_gbk.html").write_bytes("\n".join(parts).encode("gbk"))


def docx_from_seed003() -> None:
    import docx

    src = (ROOT / "corpora/seeds/003_8030f6624176119d.txt").read_text(encoding="utf-8")
    d = docx.Document()
    # python-docx stamps the current time into core properties; fix it for determinism
    import datetime as dt

    d.core_properties.created = d.core_properties.modified = dt.datetime(2022, 1, 20)
    for is_table, run in _runs(src.split("\n"), lambda ln: "\t" in ln):
        if not is_table:
            for ln in run:
                if ln.strip():
                    d.add_paragraph(ln.strip())
            continue
        rows = [ln.split("\t") for ln in run]
        width = max(len(r) for r in rows)
        table = d.add_table(rows=len(rows), cols=width)
        for r, row in enumerate(rows):
            for c in range(width):
                table.cell(r, c).text = row[c].strip() if c < len(row) else ""
    buf = io.BytesIO()
    d.save(buf)
    (OUT / "seed003.docx").write_bytes(buf.getvalue())


def scanned_pdf() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig = plt.figure(figsize=(2, 2))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.axis("off")
    ax.imshow(np.random.default_rng(0).random((40, 40)), cmap="gray")
    fig.savefig(OUT / "scanned.pdf", metadata={"CreationDate": None, "Creator": None, "Producer": None})
    plt.close(fig)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    gbk_html()
    docx_from_seed003()
    scanned_pdf()
    print(f"fixtures written to {OUT}", file=sys.stderr)
