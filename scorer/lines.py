"""Line numbers as the original file shows them.

The cleaned text a report is read from drops what the loader removed (leading blank
lines, a crawler header, page chrome) and may join wrapped lines into one paragraph,
so its line numbers are not the ones an editor shows. :func:`source_line_anchors`
aligns the cleaned text with the decoded original, in order, so that a memo can say
第50行 where the file has it on line 50.
"""
from __future__ import annotations

import unicodedata

__all__ = ["source_line_anchors"]

_WINDOW = 400  # lines looked ahead for the next match: keeps the alignment linear


def _key(line: str) -> tuple[str, list[int]]:
    """The line without spaces after NFKC, and the index in ``line`` of each kept char."""
    norm = unicodedata.normalize("NFKC", line)
    if len(norm) == len(line):  # almost always: one character for one (full-width → half-width)
        where = [i for i, c in enumerate(norm) if not c.isspace()]
        return "".join(norm[i] for i in where), where
    chars, where = [], []
    for i, ch in enumerate(line):
        for c in unicodedata.normalize("NFKC", ch):
            if not c.isspace():
                chars.append(c)
                where.append(i)
    return "".join(chars), where


def source_line_anchors(original: str, text: str) -> tuple[tuple[int, int], ...]:
    """(offset in ``text``, 1-based line of ``original``) at each place where an
    original line starts, ascending; the line of any offset is the one of the last
    anchor at or before it. Lines are compared without spaces and after NFKC (the
    loader turns full-width characters half-width); a cleaned line may be several
    original lines joined, each of which gets its own anchor."""
    orig = ["".join(unicodedata.normalize("NFKC", line).split()) for line in original.splitlines()]
    anchors: list[tuple[int, int]] = []
    j = 0
    base = 0
    for line in text.split("\n"):
        key, where = _key(line)
        pos = 0
        while pos < len(key):
            found = -1
            for k in range(j, min(len(orig), j + _WINDOW)):
                o = orig[k]
                if o and (key.startswith(o, pos) or (o.startswith(key[pos:]) and pos == 0)):
                    found = k
                    break
            if found < 0:
                break
            anchors.append((base + where[pos], found + 1))
            pos += len(orig[found])
            j = found + 1
        base += len(line) + 1
    return tuple(anchors)
