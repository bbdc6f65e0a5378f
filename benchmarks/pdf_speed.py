"""PDF reading speed: CPU milliseconds per page of ``scorer.formats.pdf.read_pdf`` next to
the floor (pypdfium2's own text of each page, nothing else) and to pdfplumber alone (the
reader before pypdfium2: its text on every page, its tables on tabular pages); table
pages and text pages apart; and which pages still needed pdfplumber.

    python benchmarks/pdf_speed.py [--rounds 5] [--ocr PAGES] [FILE.pdf ...]

Whole documents are timed through ``read_pdf``; the per-page split times the reader's
steps page by page (load, characters, text, tables if the page looks tabular, as
``read_pdf`` does them), a page with a table found counting as a table page.
CPU time (``time.process_time``), the median of ``--rounds`` runs: the machine is
shared, and CPU time is the least disturbed by others.

``--ocr N`` also times OCR (the optional extra) on the first N pages of an image-only
copy of report 001 (pages rendered at the OCR scale, no text layer), seconds per page.
"""
from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT = [
    "corpora/reports/001_huaian_hongzequ_2023.pdf",
    "corpora/reports/003_huaian_shizhengfu_2024.pdf",
    "corpora/negatives/390_shanghai_putuo_shehuigongzuobu_juesuan_2024.pdf",
    "corpora/negatives/391_shanghai_putuo_sifaju_yusuan_2026.pdf",
]


def pdfplumber_alone(data: bytes) -> int:
    """The reader as it was before pypdfium2: pdfplumber text on every page, tables on
    tabular pages."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            raw = page.extract_text() or ""
            if re.search(r"\d\s+\d\s+\d", raw):
                page.extract_tables()
        return len(pdf.pages)


def reader(data: bytes) -> int:
    from scorer.formats.pdf import read_pdf

    return read_pdf(data, "bench.pdf").n_pages


def floor(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    for page in pdf:
        page.get_textpage().get_text_range()
    n = len(pdf)
    pdf.close()
    return n


def cpu_ms(fn: Callable[[], Any], rounds: int) -> float:
    runs = []
    for _ in range(rounds):
        t = time.process_time()
        fn()
        runs.append((time.process_time() - t) * 1000)
    return statistics.median(runs)


def page_split(data: bytes, rounds: int) -> dict[str, list[float]]:
    """Per page: [floor ms, reader ms, is a table page, needed pdfplumber]."""
    import pypdfium2 as pdfium

    from scorer.formats import pdf as P

    pdf = pdfium.PdfDocument(data)
    plumber = P._Plumber(data, "bench.pdf")
    rows: dict[str, list[float]] = {}
    for i in range(len(pdf)):
        state: dict[str, Any] = {}

        def base() -> None:
            page = pdf[i]
            page.get_textpage().get_text_range()
            page.close()

        def read() -> None:
            page = pdf[i]
            try:
                chars = P._page_chars(page)
                raw = P._chars_text(chars, page)
                state["tables"] = P._tables(page, chars) if P._TABULAR.search(raw) else []
            except P._Untrusted:
                raw = plumber.text(i)
                state["tables"] = plumber.tables(i) if P._TABULAR.search(raw) else []
                state["plumber"] = True
            page.close()

        read()
        rows[str(i + 1)] = [cpu_ms(base, rounds), cpu_ms(read, rounds), bool(state["tables"]), bool(state.get("plumber"))]
    plumber.close()
    pdf.close()
    return rows


def ocr_seconds_per_page(pages: int) -> float:
    import pypdfium2 as pdfium

    from scorer.formats import ocr

    src = pdfium.PdfDocument(str(ROOT / DEFAULT[0]))
    images = [src[i].render(scale=ocr.SCALE).to_pil().convert("L") for i in range(min(pages, len(src)))]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=72 * ocr.SCALE)
    scan = pdfium.PdfDocument(buf.getvalue())
    ocr._engine()  # model loading once, outside the timing
    t = time.perf_counter()
    for i in range(len(scan)):
        ocr.read_page(scan[i], i + 1)
    return (time.perf_counter() - t) / len(scan)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", default=DEFAULT)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--ocr", type=int, default=0, metavar="PAGES", help="also time OCR on this many pages")
    ap.add_argument("--no-pdfplumber", action="store_true", help="skip timing pdfplumber alone (slow)")
    args = ap.parse_args()
    first = (ROOT / DEFAULT[0]).read_bytes()
    for fn in (floor, reader, pdfplumber_alone):  # imports and first-call set-up out of the timings
        fn(first)
    print("CPU ms per page, median of", args.rounds, "runs")
    print(f"{'file':<52} {'pages':>5} {'floor':>7} {'reader':>7} {'pdfplumber':>10} {'reader/floor':>12}  pdfplumber pages")
    tot = {"pages": 0, "floor": 0.0, "reader": 0.0, "plumber": 0.0}
    split = {True: [0, 0.0, 0.0], False: [0, 0.0, 0.0]}  # table page?: [pages, floor ms, reader ms]
    for f in args.files:
        data = (ROOT / f).read_bytes() if not Path(f).is_absolute() else Path(f).read_bytes()
        n = floor(data)
        fl = cpu_ms(lambda: floor(data), args.rounds)
        now = cpu_ms(lambda: reader(data), args.rounds)
        old = float("nan") if args.no_pdfplumber else cpu_ms(lambda: pdfplumber_alone(data), args.rounds)
        pages = page_split(data, args.rounds)
        used = [int(k) for k, v in pages.items() if v[3]]
        for b, r, table, _ in pages.values():
            split[table][0] += 1
            split[table][1] += b
            split[table][2] += r
        print(f"{Path(f).name[:52]:<52} {n:>5} {fl / n:>7.1f} {now / n:>7.1f} {old / n:>10.1f} {now / fl:>11.1f}x  {used or '-'}")
        tot["pages"] += n
        tot["floor"] += fl
        tot["reader"] += now
        tot["plumber"] += old
    p = tot["pages"]
    print(f"{'all (page-weighted)':<52} {p:>5} {tot['floor'] / p:>7.1f} {tot['reader'] / p:>7.1f} "
          f"{tot['plumber'] / p:>10.1f} {tot['reader'] / tot['floor']:>11.1f}x")
    for table, (k, b, r) in split.items():
        if k:
            print(f"  {'table pages' if table else 'text pages':<50} {k:>5} {b / k:>7.1f} {r / k:>7.1f} "
                  f"{'':>10} {r / b:>11.1f}x  (page by page)")
    if args.ocr:
        from scorer.formats import ocr

        if not ocr.available():
            print("OCR: extra not installed (pip install '.[ocr]')")
        else:
            print(f"OCR: {ocr_seconds_per_page(args.ocr):.1f} s per page (report 001 as images, first {args.ocr} page(s))")


if __name__ == "__main__":
    main()
