"""Format readers. Each turns bytes into a list of blocks (paragraphs and grid tables)
so that cleaning and assembly into the located text are the same for every format."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    """A paragraph (``rows`` empty) or a grid table (``rows`` set) from the source."""

    text: str = ""
    rows: list[list[str]] | None = None
    page: int | None = None  # 1-based PDF page
    origin: str = "text"

    @property
    def is_table(self) -> bool:
        return self.rows is not None


@dataclass
class Extracted:
    """What a reader returns."""

    format: str
    blocks: list[Block]
    encoding: str | None = None
    pdf_tables: list[tuple[int, list[list[str]]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    n_pages: int = 0
