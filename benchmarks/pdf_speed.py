"""PDF reading speed: milliseconds per page, before (pdfplumber for everything) and now
(scorer.formats.pdf: pypdfium2 text, pdfplumber only where needed), next to the floor
(pypdfium2's own text, nothing else). Also which pages still needed pdfplumber.

    python benchmarks/pdf_speed.py [--rounds 3] [--ocr PAGES] [FILE.pdf ...]

``--ocr N`` also times OCR (the optional extra) on the first N pages of an image-only
copy of report 001 (pages rendered at the OCR scale, no text layer), seconds per page.

The best of ``--rounds`` runs is printed (the machine is shared; the minimum is the
least disturbed figure).
"""
from __future__ import annotations

import argparse
import io
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT = [
    "corpora/reports/001_huaian_hongzequ_2023.pdf",
    "corpora/reports/003_huaian_shizhengfu_2024.pdf",
    "corpora/negatives/390_shanghai_putuo_shehuigongzuobu_juesuan_2024.pdf",
    "corpora/negatives/391_shanghai_putuo_sifaju_yusuan_2026.pdf",
]


def old_path(data: bytes) -> int:
    """The reader as it was: pdfplumber text on every page, tables on tabular pages."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            raw = page.extract_text() or ""
            if re.search(r"\d\s+\d\s+\d", raw):
                page.extract_tables()
        return len(pdf.pages)


def new_path(data: bytes) -> int:
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


def plumber_pages(data: bytes) -> list[int]:
    """1-based pages the new reader still opens with pdfplumber (tables, untrusted boxes)."""
    from scorer.formats import pdf as mod

    used: list[int] = []
    orig_page = mod._Plumber.page

    def spy(self, i):  # noqa: ANN001
        used.append(i + 1)
        return orig_page(self, i)

    mod._Plumber.page = spy
    try:
        mod.read_pdf(data, "bench.pdf")
    finally:
        mod._Plumber.page = orig_page
    return sorted(set(used))


def best_ms_per_page(fn, data: bytes, rounds: int) -> float:  # noqa: ANN001
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        n = fn(data)
        best = min(best, (time.perf_counter() - t) / n * 1000)
    return best


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
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--ocr", type=int, default=0, metavar="PAGES", help="also time OCR on this many pages")
    args = ap.parse_args()
    for fn in (floor, new_path, old_path):  # imports and first-call set-up out of the timings
        fn((ROOT / DEFAULT[0]).read_bytes())
    print(f"{'file':<58} {'pages':>5} {'floor':>8} {'now':>8} {'before':>8} {'now/floor':>9} {'before/floor':>12}  pdfplumber pages")
    tot = {"pages": 0, "floor": 0.0, "now": 0.0, "before": 0.0}
    for f in args.files:
        data = (ROOT / f).read_bytes() if not Path(f).is_absolute() else Path(f).read_bytes()
        n = floor(data)
        fl = best_ms_per_page(floor, data, args.rounds)
        now = best_ms_per_page(new_path, data, args.rounds)
        before = best_ms_per_page(old_path, data, args.rounds)
        used = plumber_pages(data)
        print(f"{Path(f).name:<58} {n:>5} {fl:>7.1f}ms {now:>7.1f}ms {before:>7.1f}ms {now / fl:>8.1f}x {before / fl:>11.1f}x  {used or '-'}")
        tot["pages"] += n
        for k, v in (("floor", fl), ("now", now), ("before", before)):
            tot[k] += v * n
    p = tot["pages"]
    print(f"{'all (page-weighted)':<58} {p:>5} {tot['floor'] / p:>7.1f}ms {tot['now'] / p:>7.1f}ms "
          f"{tot['before'] / p:>7.1f}ms {tot['now'] / tot['floor']:>8.1f}x {tot['before'] / tot['floor']:>11.1f}x")
    if args.ocr:
        from scorer.formats import ocr

        if not ocr.available():
            print("OCR: extra not installed (pip install '.[ocr]')")
        else:
            print(f"OCR: {ocr_seconds_per_page(args.ocr):.1f} s per page (report 001 as images, first {args.ocr} page(s))")


if __name__ == "__main__":
    main()
