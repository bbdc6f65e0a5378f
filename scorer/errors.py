"""Every exception the library raises on purpose.

Findings about a report are data (:class:`scorer.model.Finding`); an exception means
the engine cannot proceed with an input. Each message names the file and says what
is wrong in one line, so the CLI can print it as is.
"""
from __future__ import annotations

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
]


class ScorerError(Exception):
    """Base class: the engine cannot go on with this input."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        self.reason = message
        super().__init__(f"{path}: {message}" if path else message)


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
        where = path or "<criteria>"
        if line is not None:
            where = f"{where} line {line}"
        ScorerError.__init__(self, message, path=None)
        self.path = path
        self.args = (f"{where}: {message}",)

    def __str__(self) -> str:
        return self.args[0]


class ManifestError(ScorerError):
    """A batch manifest is invalid (missing columns, bad dates, duplicates)."""


class ModelError(ScorerError):
    """The evidence classifier is missing, corrupt or was built for other data."""
