"""Every exception the library raises on purpose.

Findings about a report are data (:class:`scorer.model.Finding`); an exception means
the engine cannot proceed with an input. Each message names the file and says what
is wrong in one line, so the CLI can print it as is.
"""
from __future__ import annotations

import numbers

__all__ = [
    "ScorerError",
    "LoadError",
    "UnsupportedFormat",
    "DecodeError",
    "EmptyDocument",
    "NoTextLayer",
    "TooLarge",
    "NotAReport",
    "CriteriaError",
    "CriteriaNotApplicable",
    "ManifestError",
    "ModelError",
    "shown",
    "SHOWN_LIMIT",
]

#: Longest value a message echoes: a title may be a YAML bomb or a 5,000-digit number.
SHOWN_LIMIT = 60


def shown(value: object, limit: int = SHOWN_LIMIT) -> str:
    """A value as messages echo it, never longer than about ``limit`` characters.

    Text is quoted, numbers bare, lists in brackets. Built piece by piece and cut as
    soon as the limit is reached, so a huge, deep or self-repeating value (a YAML
    alias bomb) costs no more than the limit; integers too long for ``str`` are
    described by their size.
    """
    out: list[str] = []
    room = [limit + 1]

    def put(piece: str) -> bool:
        out.append(piece[: room[0]])
        room[0] -= len(piece)
        return room[0] > 0

    def walk(v: object, depth: int) -> bool:
        if depth > limit:
            return put("…")
        if not isinstance(v, (bool, int, float)) and isinstance(v, numbers.Real):
            v = int(v) if isinstance(v, numbers.Integral) else float(v)  # numpy scalars
        if isinstance(v, bool) or v is None:
            return put(str(v).lower() if v is not None else "null")
        if isinstance(v, int):
            if v.bit_length() > 200:
                return put(f"<{v.bit_length() * 30103 // 100000 + 1}位整数>")
            return put(str(v))
        if isinstance(v, float):
            return put(str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(float(v)))
        if isinstance(v, str):
            return put(repr(v[: room[0] + 2]) if len(v) > room[0] else repr(v))
        if isinstance(v, (list, tuple)):
            if not put("["):
                return False
            for i, item in enumerate(v):
                if (i and not put(", ")) or not walk(item, depth + 1):
                    return False
            return put("]")
        if isinstance(v, dict):
            if not put("{"):
                return False
            for i, (k, item) in enumerate(v.items()):
                if (i and not put(", ")) or not walk(k, depth + 1) or not put(": ") or not walk(item, depth + 1):
                    return False
            return put("}")
        return put(type(v).__name__)

    walk(value, 0)
    text = "".join(out)
    return text if len(text) <= limit else text[:limit] + "…"


class ScorerError(Exception):
    """Base class: the engine cannot go on with this input."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        self.reason = message
        super().__init__(f"{path}：{message}" if path else message)


class LoadError(ScorerError):
    """A document could not be read."""


class UnsupportedFormat(LoadError):
    """The bytes are not a format we read (binary, a broken DOCX, an image)."""


class DecodeError(LoadError):
    """The text encoding could not be determined."""


class EmptyDocument(LoadError):
    """The file holds no text."""


class NoTextLayer(LoadError):
    """A PDF whose pages are images only (scanned); it needs OCR first."""


class TooLarge(LoadError):
    """The file, or what it unpacks to, is over the size limit."""


class NotAReport(LoadError):
    """The document is readable but is not an annual report where one is required."""


class CriteriaNotApplicable(ScorerError):
    """The criteria set was written for another report year or another place."""


class CriteriaError(ScorerError):
    """A criteria file is invalid. Carries the file, line and field at fault."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.line = line
        self.field = field
        where = path or "<指标文件>"
        if line is not None:
            where = f"{where} 第{line}行"
        ScorerError.__init__(self, message, path=None)
        self.path = path
        self.args = (f"{where}：{message}",)

    def __str__(self) -> str:
        return self.args[0]


class ManifestError(ScorerError):
    """A batch manifest is invalid (missing columns, bad dates, duplicates)."""


class ModelError(ScorerError):
    """The evidence classifier is missing, corrupt or was built for other data."""
