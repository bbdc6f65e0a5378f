"""The batch manifest: one CSV row per document, validated with pandera.

Empty cells mean "detect from the document"; every problem is named by its CSV line.
"""
from __future__ import annotations

import datetime as _dt
import io
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from scorer.errors import ManifestError

__all__ = ["Manifest", "read_manifest", "MANIFEST_FIELDS"]

# the manifest columns that become metadata overrides of a document
MANIFEST_FIELDS: tuple[str, ...] = ("agency", "report_year", "published_on", "url", "deadline")


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
            problems.append((n, f"{line}：{r['agency']} {r['report_year']}年 {words}"))
        elif col is not None and not pd.isna(col):
            problems.append((n, f"{line} {col}“{row['failure_case']}”{words}"))
        else:
            problems.append((n, f"{line}：{words}"))
    return [text for _, text in sorted(dict.fromkeys(problems), key=lambda t: t[0])]


def _read_csv_text(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ManifestError("无法识别清单的编码，请另存为UTF-8 CSV", path=str(path))


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
    text = _read_csv_text(p)
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    df = df.apply(lambda s: s.str.strip()).replace({"": None})
    for opt in ("url", "deadline"):
        if opt not in df.columns:
            df[opt] = None
    df = df.astype(object)
    missing = [c for c in ("file", "agency", "report_year", "published_on") if c not in df.columns]
    if missing:
        raise ManifestError(f"缺少列 {', '.join(missing)}（需要 file, agency, report_year, published_on）",
                            path=str(p))
    bad_year = [i for i, v in df["report_year"].items() if v is not None and not str(v).isdigit()]
    if bad_year:
        raise ManifestError("；".join(f"第{i + 2}行 report_year“{df.at[i, 'report_year']}”不是整数年份"
                                     for i in bad_year), path=str(p))
    df["report_year"] = pd.array([None if v is None else int(v) for v in df["report_year"]], dtype="Int64")
    try:
        return Manifest.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise ManifestError("；".join(_manifest_problems(err, df)), path=str(p)) from None
