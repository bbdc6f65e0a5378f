"""OCR for PDF pages without a text layer (scanned reports), fully offline.

Optional: ``pip install 'xxgk-scorer[ocr]'`` brings RapidOCR on onnxruntime, whose
Chinese detection and recognition models ship inside the wheel (nothing is fetched at
run time). A page is rendered with pypdfium2, recognised, and the recognised boxes are
put back into lines by position: sorted by y then x, grouped into a line when they
overlap vertically, with a space between boxes far apart so table cells stay apart.

What OCR read is never passed off as printed text: the document notes name the OCR'd
pages, each page's mean confidence, and every box below :data:`LOW_CONFIDENCE` as
待核对 (to be checked against the original); the loader marks the format ``pdf-ocr``.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

#: Boxes recognised with less confidence than this are listed as 待核对.
LOW_CONFIDENCE = 0.8
#: Render scale (1 = 72 dpi): 2 puts a 10.5 pt table digit at ~30 px, enough for the
#: recogniser; more costs time without better cells (measured on corpus report 001).
SCALE = 2.0
#: Boxes further apart than this many line heights are separate cells or words.
_GAP = 0.3
_MAX_LISTED = 30


@dataclass(frozen=True)
class Word:
    """One recognised box: its text, position in pixels, and the recogniser's confidence."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class OcrPage:
    """The OCR reading of one page (1-based ``number``)."""

    number: int
    lines: list[str] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        """Mean confidence over the page's boxes, weighted by their length."""
        n = sum(len(w.text) for w in self.words)
        return sum(w.confidence * len(w.text) for w in self.words) / n if n else 0.0

    @property
    def low(self) -> list[Word]:
        return [w for w in self.words if w.confidence < LOW_CONFIDENCE]


def available() -> bool:
    """Whether the optional OCR engine is installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("rapidocr_onnxruntime", "onnxruntime"))


@lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    # a tighter box margin than the default 1.6 keeps neighbouring table digits apart
    # and reads single digits with more confidence (measured on report 001)
    return RapidOCR(det_unclip_ratio=1.3)


def looks_like_paper(page: Any) -> bool:
    """Whether a page image looks like a printed page: most of it one background shade
    (paper). A photo or noise is not worth loading the recogniser for (seconds)."""
    import numpy as np

    grey = np.asarray(page.render(scale=0.5, grayscale=True).to_pil().convert("L"))
    if grey.size == 0:
        return False
    counts = np.bincount((grey // 8).ravel(), minlength=32)
    return bool(counts.max() >= 0.4 * grey.size)


def read_page(page: Any, number: int) -> OcrPage:
    """Render a pypdfium2 page, recognise it, and lay the words out in lines."""
    import numpy as np

    image = page.render(scale=SCALE).to_pil().convert("RGB")
    # no angle classifier: report pages are upright, and it costs time on every box
    result, _ = _engine()(np.asarray(image), use_cls=False)
    words = []
    for box, text, conf in result or []:
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        if str(text).strip():
            words.append(Word(str(text).strip(), min(xs), min(ys), max(xs), max(ys), float(conf)))
    return OcrPage(number=number, lines=layout_lines(words), words=words)


def layout_lines(words: list[Word]) -> list[str]:
    """Words into text lines: sorted by y then x, grouped into one line while they overlap
    vertically (half the smaller height), a space between boxes far apart.

    >>> w = lambda t, x0, top, x1: Word(t, x0, top, x1, top + 20, 1.0)
    >>> layout_lines([w("本年新收", 10, 100, 90), w("12", 300, 103, 320), w("二、", 10, 50, 40)])
    ['二、', '本年新收 12']
    """
    if not words:
        return []
    typical = sorted(w.height for w in words)[len(words) // 2]
    # a box much taller than a text line is vertical writing (a row label spanning rows):
    # it neither joins nor stretches a line, else it would chain table rows together
    tall = [w for w in words if w.height > 1.6 * typical]
    lines: list[list[Word]] = []
    for w in sorted((w for w in words if w.height <= 1.6 * typical), key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        if lines:
            ref = lines[-1][0]  # the line's first box: lines do not drift down a table
            overlap = min(ref.bottom, w.bottom) - max(ref.top, w.top)
            if overlap >= 0.5 * min(w.height, ref.height):
                lines[-1].append(w)
                continue
        lines.append([w])
    for w in tall:
        lines.append([w])
    lines.sort(key=lambda line: (min(x.top for x in line), min(x.x0 for x in line)))
    out = []
    for line in lines:
        line.sort(key=lambda w: w.x0)
        height = sorted(w.height for w in line)[len(line) // 2]
        text = line[0].text
        for prev, w in zip(line, line[1:]):
            text += (" " if w.x0 - prev.x1 > _GAP * height else "") + w.text
        out.append(text)
    return out


def notes(pages: list[OcrPage]) -> list[str]:
    """The document notes that say what OCR read and how sure it was (Chinese, for people)."""
    if not pages:
        return []
    nums = "、".join(str(p.number) for p in pages)
    conf = "，".join(f"第{p.number}页{p.confidence:.2f}" for p in pages)
    out = [
        f"第{nums}页没有文字层（扫描件），文字和数字由OCR识别，须与原件核对；各页平均识别置信度：{conf}"
    ]
    low = [(p.number, w) for p in pages for w in p.low]
    if low:
        listed = "；".join(f"第{n}页“{w.text}”（{w.confidence:.2f}）" for n, w in low[:_MAX_LISTED])
        more = f"等{len(low)}处" if len(low) > _MAX_LISTED else f"共{len(low)}处"
        out.append(f"OCR识别置信度低于{LOW_CONFIDENCE:.2f}的文字待核对（{more}）：{listed}")
    return out
