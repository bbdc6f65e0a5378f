"""The batch manifest: one CSV row per document, validated with pandera.

Empty cells mean "detect from the document"; every problem is named by its CSV line.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from scorer.errors import ManifestError

__all__ = ["Manifest", "read_manifest", "read_csv_text", "MANIFEST_FIELDS"]

# the manifest columns that become metadata overrides of a document
MANIFEST_FIELDS: tuple[str, ...] = ("agency", "report_year", "published_on", "url", "deadline", "agency_key")


def _is_iso_date(value: Any) -> bool:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return True
    try:
        _dt.date.fromisoformat(str(value))
        return len(str(value)) == 10
    except ValueError:
        return False


class Manifest(pa.DataFrameModel):
    """A batch manifest: one row per document (CSV, UTF-8 or GBK, header row)."""

    file: Series[str] = pa.Field(unique=True, title="文件（相对清单所在目录）")
    agency: Series[str] = pa.Field(nullable=True, title="机构")
    report_year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1990, le=2100, title="报告年度")
    published_on: Series[str] = pa.Field(nullable=True, title="发布日期 YYYY-MM-DD")
    url: Series[str] | None = pa.Field(nullable=True, title="原文链接")
    deadline: Series[str] | None = pa.Field(nullable=True, title="发布期限 YYYY-MM-DD")
    #: matches the agency across years when its name changed (default: from the name)
    agency_key: Series[str] | None = pa.Field(nullable=True, title="跨年度匹配用的机构名")

    class Config:
        strict = "filter"  # extra columns (notes, 序号 …) are allowed and ignored
        coerce = True

    @pa.check("published_on", "deadline", name="iso-date")
    def iso_date(cls, s: pd.Series) -> pd.Series:
        """Dates are YYYY-MM-DD."""
        return s.map(_is_iso_date).astype(bool)

    @pa.dataframe_check(name="unique-agency-year")
    def one_report_per_agency_year(cls, df: pd.DataFrame) -> pd.Series:
        """An agency has at most one report per year."""
        known = df["agency"].notna() & df["report_year"].notna()
        dup = df[known].duplicated(["agency", "report_year"], keep=False)
        return ~dup.reindex(df.index, fill_value=False)


_CHECK_WORDS = {
    "field_uniqueness": "文件重复",
    "unique-agency-year": "同一机构同一年度重复",
    "iso-date": "不是有效日期（应为YYYY-MM-DD）",
    "greater_than_or_equal_to(1990)": "年度不合理",
    "less_than_or_equal_to(2100)": "年度不合理",
    "not_nullable": "不能为空",
    "coerce_dtype('Int64')": "不是整数年份",
}


def _manifest_problems(err: Any, df: pd.DataFrame) -> list[str]:
    """One Chinese phrase per problem, ordered by CSV line (header is line 1)."""
    fc = err.failure_cases
    problems: list[tuple[int, str]] = []
    for _, row in fc.iterrows():
        check = str(row["check"])
        col = row["column"]
        if check == "column_in_dataframe":
            problems.append((0, f"缺少列 {row['failure_case']}"))
            continue
        idx = row["index"]
        known = idx is not None and not pd.isna(idx)
        n = int(idx) + 2 if known else 1
        line = f"第{n}行" if known else "清单"
        words = _CHECK_WORDS.get(check, check)
        if check == "unique-agency-year" and known:
            r = df.loc[int(idx)]
            problems.append((n, f"{line}：{_shown(r['agency'])} {r['report_year']}年 {words}"))
        elif col is not None and not pd.isna(col):
            problems.append((n, f"{line} {col}“{_shown(row['failure_case'])}”{words}"))
        else:
            problems.append((n, f"{line}：{words}"))
    return [text for _, text in sorted(dict.fromkeys(problems), key=lambda t: t[0])]


def _shown(value: Any, limit: int = 40) -> str:
    """A cell as it may appear in a one-line message: control characters escaped,
    long values cut."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))
    return text if len(text) <= limit else text[:limit] + "…"


def _parse_problem(message: str) -> str:
    """pandas' CSV parser error as one Chinese phrase naming the line."""
    m = re.search(r"EOF inside string starting at row (\d+)", message)
    if m:  # the parser counts rows from 0, header included: row n is line n + 1
        return f"第{int(m.group(1)) + 1}行起引号未闭合，请检查该行的引号"
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if m:
        return f"第{m.group(2)}行有{m.group(3)}列，表头只有{m.group(1)}列（含逗号的内容请加引号）"
    return "不是有效的CSV文件，请在Excel中另存为“CSV UTF-8”"


def read_csv_text(path: Path, raw: bytes | None = None) -> str:
    """The text of a CSV file (``raw``: its bytes, when already read): UTF-8 (with
    or without BOM) or GBK."""
    raw = path.read_bytes() if raw is None else raw
    for enc in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ManifestError("无法识别文件的编码，请另存为UTF-8 CSV", path=str(path))


def read_manifest(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read and validate a batch manifest CSV.

    Columns: ``file, agency, report_year, published_on`` and optionally ``url``,
    ``deadline``. ``file`` is relative to the manifest's directory. Empty cells mean
    "detect from the document".

    Parameters
    ----------
    path : path
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        Validated rows (index = data row number − 2, i.e. 0 for CSV line 2).

    Raises
    ------
    ManifestError
        Missing columns, duplicate files or agency+year, bad dates or years; the
        message names every offending row by its line in the CSV.
    """
    p = Path(path)
    text = read_csv_text(p)
    if "\x00" in text:  # a damaged file; a NUL in a path would also break every file call
        raise ManifestError(f"第{text.count(chr(10), 0, text.index(chr(0))) + 1}行含有空字符（NUL），"
                            "清单可能已损坏，请重新导出", path=str(p))
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise ManifestError("清单是空的，需要表头行 file, agency, report_year, published_on", path=str(p)) from None
    except (pd.errors.ParserError, csv.Error, ValueError) as err:
        raise ManifestError(_parse_problem(str(err)), path=str(p)) from None
    df.columns = [c.strip() for c in df.columns]
    df = df.apply(lambda s: s.str.strip()).replace({"": None})
    for opt in ("url", "deadline", "agency_key"):
        if opt not in df.columns:
            df[opt] = None
    df = df.astype(object)
    missing = [c for c in ("file", "agency", "report_year", "published_on") if c not in df.columns]
    if missing:
        raise ManifestError(f"缺少列 {', '.join(missing)}（需要 file, agency, report_year, published_on）",
                            path=str(p))
    # isdecimal, not isdigit: "2023²" is digits but no number; a 20-digit year is a
    # number no Int64 column holds
    bad_year = [(i, "不是整数年份" if not str(v).isdecimal() else "年度不合理")
                for i, v in df["report_year"].items()
                if v is not None and (not str(v).isdecimal() or len(str(v)) > 6)]
    if bad_year:
        raise ManifestError("；".join(f"第{i + 2}行 report_year“{_shown(df.at[i, 'report_year'])}”{words}"
                                     for i, words in bad_year), path=str(p))
    df["report_year"] = pd.array([None if v is None else int(v) for v in df["report_year"]], dtype="Int64")
    try:
        return Manifest.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise ManifestError("；".join(_manifest_problems(err, df)), path=str(p)) from None
