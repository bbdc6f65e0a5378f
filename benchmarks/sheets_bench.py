"""Time of the batch sheets (scores.xlsx, and scores.csv + summary.html beside it) for
300 and 1,000 documents.

Stand-in results: a few corpus reports are scored once, their sheet views copied
with other paths, agency names and totals (every copy gets its own per-agency sheet,
as in a real batch). Prints, per size, the seconds of ``render_xlsx`` alone and of
``write_sheets`` (the workbook in this process, the CSV and the summary in a forked
child) and the workbook's size.

    python benchmarks/sheets_bench.py            # 300 and 1000
    python benchmarks/sheets_bench.py 300 3000
"""
from __future__ import annotations

import copy
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scorer.batch.sheets import sheet_paths, sheet_view, write_sheets  # noqa: E402
from scorer.criteria import load_criteria  # noqa: E402
from scorer.pipeline import score_document  # noqa: E402
from scorer.render import render_xlsx  # noqa: E402

SOURCES = ["reports/004_shanghai_kewei_2024.md", "reports/011_pingtan_syq_2021.txt",
           "reports/023_pingtan_ziranziyuan_2021.txt", "reports/078_pingtan_jiaotongjianshe_2024.txt",
           "reports2/358_pingtan_syq_2025.txt"]


def stand_ins(n: int, cs) -> list[dict]:
    base = [sheet_view(score_document(ROOT / "corpora" / s, cs).to_dict()) for s in SOURCES]
    out = []
    for i in range(n):
        d = copy.deepcopy(base[i % len(base)])
        d["document"]["path"] = f"/batch/{i:05d}_{Path(d['document']['path']).name}"
        d["document"]["agency"] = f"{d['document'].get('agency') or '某机构'}{i:05d}"
        d["score"]["total"] = round((d["score"].get("total") or 0) * (0.5 + (i % 50) / 100), 1)
        out.append(d)
    return out


def main(sizes: list[int]) -> None:
    cs = load_criteria("core")
    for n in sizes:
        docs = stand_ins(n, cs)
        t0 = time.perf_counter()
        data = render_xlsx(docs, criteria_set=cs)
        t_xlsx = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            write_sheets(sheet_paths(Path(tmp)), docs, [], cs)
            t_all = time.perf_counter() - t0
        print(f"{n:>5} documents: render_xlsx {t_xlsx:6.2f} s ({len(data) / 1e6:.1f} MB)   "
              f"write_sheets {t_all:6.2f} s", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [300, 1000])
