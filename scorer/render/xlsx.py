"""A small XLSX writer for the score workbook: SpreadsheetML written directly.

openpyxl built a cell object per value and a temporary file per sheet; with one
sheet per agency a batch of 1,000 spent most of its workbook time there. This writes
each sheet's XML as it goes, straight into the zip, with the few styles the
workbook uses made once, and strings in one shared table (the 评分说明 of every
agency sheet repeat). Every sheet prints on A4, landscape (by default), fitted to the
page width, its title rows repeated; the header rows are frozen.

Values: ``None`` (and NaN) leave the cell empty; ``int``/``float`` (numpy's too) are
numbers; everything else is a **string cell**, whatever it starts with: there is no
way to write a formula here. Callers make text safe first (``common.sheet_text``:
no XML-illegal characters, a leading ``'`` before = + - @).

The output is the same bytes for the same input (fixed zip timestamps, no document
properties with dates).
"""
from __future__ import annotations

import io
import math
import numbers
import re
import zipfile
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import escape

__all__ = ["Book", "Sheet", "PLAIN", "WRAP", "BOLD", "BOLD_WRAP", "HEAD", "column_letter"]

# cell styles (indices into cellXfs below)
PLAIN, WRAP, BOLD, BOLD_WRAP, HEAD = 0, 1, 2, 3, 4

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="00DDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries carry no build time: same input, same bytes
_ROWS_PER_CHUNK = 500


def column_letter(i: int) -> str:
    """Spreadsheet column name of the 1-based index ``i`` (1 → A, 27 → AA)."""
    s = ""
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


_LETTERS = [column_letter(i) for i in range(1, 257)]


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


_OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def _text(text: str) -> str:
    """Element text: XML-escaped; CR as a character reference (a parser turns a bare
    CR into LF); a literal ``_xHHHH_`` escaped, or Excel would read it as the
    character HHHH."""
    if "_x" in text:
        text = _OOXML_ESCAPE.sub(r"_x005F_\1", text)
    return escape(text, {"\r": "&#13;"})


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


class Sheet:
    """One worksheet being written; rows go to the zip as they come (see :meth:`Book.sheet`)."""

    def __init__(self, book: "Book", index: int, name: str, widths: Sequence[float], title_rows: int,
                 landscape: bool) -> None:
        self.book, self.index, self.name, self.title_rows = book, index, name, title_rows
        self._row = 0
        self._chunk: list[str] = []
        self._fh = book._zip.open(_entry(f"xl/worksheets/sheet{index}.xml"), "w")
        cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>' for i, w in enumerate(widths, 1))
        top = f"A{title_rows + 1}"
        pane = (f'<pane ySplit="{title_rows}" topLeftCell="{top}" activePane="bottomLeft" state="frozen"/>'
                f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>') if title_rows else ""
        selected = ' tabSelected="1"' if index == 1 else ""
        self._tail = ('</sheetData><printOptions gridLines="1"/>'
                      '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
                      f'<pageSetup paperSize="9" orientation="{"landscape" if landscape else "portrait"}"'
                      ' fitToWidth="1" fitToHeight="0"/></worksheet>')
        self._write(_HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                    '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                    f'<sheetViews><sheetView{selected} workbookViewId="0">{pane}</sheetView></sheetViews>'
                    '<sheetFormatPr defaultRowHeight="15"/>'
                    + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")

    def _write(self, text: str) -> None:
        self._fh.write(text.encode("utf-8"))

    def append(self, values: Iterable[Any], styles: Sequence[int] | int = PLAIN) -> None:
        """One row. ``styles``: one style for every cell, or one per column (the
        columns past its end are plain)."""
        self._row += 1
        r = str(self._row)
        cells = []
        per_col = not isinstance(styles, int)
        strings = self.book._string
        for j, v in enumerate(values):
            if v is None:
                continue
            s = (styles[j] if j < len(styles) else PLAIN) if per_col else styles  # type: ignore[index, arg-type]
            ref = (_LETTERS[j] if j < len(_LETTERS) else column_letter(j + 1)) + r
            sa = f' s="{s}"' if s else ""
            t = type(v)  # the exact types first: the ABC checks below are slow
            if t is str:
                cells.append(f'<c r="{ref}"{sa} t="s"><v>{strings(v)}</v></c>')
            elif t is int:
                cells.append(f'<c r="{ref}"{sa}><v>{v}</v></c>')
            elif t is float or (isinstance(v, numbers.Real) and not isinstance(v, (bool, numbers.Integral))):
                f = float(v)
                if math.isnan(f) or math.isinf(f):
                    continue
                cells.append(f'<c r="{ref}"{sa}><v>{f!r}</v></c>')
            elif isinstance(v, bool):
                cells.append(f'<c r="{ref}"{sa} t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, numbers.Integral):
                cells.append(f'<c r="{ref}"{sa}><v>{int(v)}</v></c>')
            else:
                cells.append(f'<c r="{ref}"{sa} t="s"><v>{strings(str(v))}</v></c>')
        self._chunk.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(self._chunk) >= _ROWS_PER_CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._chunk:
            self._write("".join(self._chunk))
            self._chunk = []

    def close(self) -> None:
        self._flush()
        self._write(self._tail)
        self._fh.close()


class Book:
    """A workbook written sheet by sheet; :meth:`close` returns the ``.xlsx`` bytes.
    Only one sheet is open at a time (the zip is written in order)."""

    def __init__(self) -> None:
        self._buf = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
        self._sheets: list[Sheet] = []
        self._strings: dict[str, int] = {}
        self._string_uses = 0

    def _string(self, text: str) -> int:
        self._string_uses += 1
        i = self._strings.get(text)
        if i is None:
            i = self._strings[text] = len(self._strings)
        return i

    def sheet(self, name: str, widths: Sequence[float] = (), *, title_rows: int = 1,
              landscape: bool = True) -> Sheet:
        """Start the next sheet (closing the one before): column ``widths`` in
        characters, the first ``title_rows`` rows frozen and repeated on every
        printed page."""
        if self._sheets:
            self._sheets[-1].close()
        ws = Sheet(self, len(self._sheets) + 1, name, widths, title_rows, landscape)
        self._sheets.append(ws)
        return ws

    def _put(self, name: str, text: str) -> None:
        self._zip.writestr(_entry(name), text.encode("utf-8"))

    def close(self) -> bytes:
        """Finish the workbook and return its bytes."""
        if not self._sheets:
            self.sheet("Sheet1")
        self._sheets[-1].close()
        n = len(self._sheets)
        sheets = "".join(f'<sheet name="{_attr(s.name)}" sheetId="{s.index}" r:id="rId{s.index}"/>' for s in self._sheets)
        titles = "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{s.index - 1}">'
            f"{escape(chr(39) + s.name.replace(chr(39), chr(39) * 2) + chr(39))}!$1:${s.title_rows}</definedName>"
            for s in self._sheets if s.title_rows)
        self._put("xl/workbook.xml", _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>'
                  '<bookViews><workbookView activeTab="0"/></bookViews>'
                  f"<sheets>{sheets}</sheets>" + (f"<definedNames>{titles}</definedNames>" if titles else "")
                  + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, n + 1))
        rels += (f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
                 f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>')
        self._put("xl/_rels/workbook.xml.rels", _HEAD + f'<Relationships xmlns="{_PKG_REL}">{rels}</Relationships>')
        self._put("xl/styles.xml", _STYLES)
        sst = "".join(f'<si><t xml:space="preserve">{_text(s)}</t></si>' for s in self._strings)
        self._put("xl/sharedStrings.xml", _HEAD + f'<sst xmlns="{_MAIN}" count="{self._string_uses}" '
                  f'uniqueCount="{len(self._strings)}">{sst}</sst>')
        self._put("_rels/.rels", _HEAD + f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
                  f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ml}.worksheet+xml"/>'
                            for i in range(1, n + 1))
        self._put("[Content_Types].xml", _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                  f'<Override PartName="/xl/workbook.xml" ContentType="{ml}.sheet.main+xml"/>'
                  f'<Override PartName="/xl/styles.xml" ContentType="{ml}.styles+xml"/>'
                  f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ml}.sharedStrings+xml"/>'
                  f"{overrides}</Types>")
        self._zip.close()
        return self._buf.getvalue()
