"""``xxgk inspect FILE``: what the loader sees."""
from __future__ import annotations

import json

import click

from scorer.cli.group import cli, format_option, input_path_argument, metadata_options
from scorer.load import load
from scorer.model import SECTION_KEYS, SECTION_TITLES

_SOURCE_ZH = {
    "flag": "命令行参数", "manifest": "清单", "header": "爬虫页头", "title": "标题",
    "page": "页面日期", "url": "网址日期", "signature": "落款", "text": "正文", "filename": "文件名",
}


@cli.command()
@input_path_argument()
@metadata_options
@format_option()
def inspect(file: str, fmt: str, encoding, kind, agency, report_year, published_on) -> None:
    """Show how FILE is read: kind, agency, year, publication date, format, sections
    with their character spans, and where each metadata value came from.

    \b
    Example:
      xxgk inspect corpora/seeds/003_8030f6624176119d.txt
    """
    doc = load(
        file, encoding=encoding, kind=kind, agency=agency,
        report_year=report_year, published_on=published_on,
    )
    if fmt == "json":
        out = doc.to_dict()
        out["sections_detail"] = [s.to_dict() for s in doc.sections]
        out["encoding"] = doc.encoding
        out["chars"] = len(doc.text)
        out["tables_found"] = len(doc.tables)
        click.echo(json.dumps(out, ensure_ascii=False, sort_keys=True, indent=2))
        return
    src = doc.metadata_source

    def line(label: str, value, key: str | None = None) -> None:
        origin = f"  （来源：{_SOURCE_ZH.get(src.get(key, ''), src.get(key, ''))}）" if key and key in src else ""
        click.echo(f"{label:　<6}{value if value not in (None, '') else '未识别'}{origin}")

    from scorer.pipeline import NOT_A_REPORT_WORDS

    kinds = {"report": "年度报告", **NOT_A_REPORT_WORDS}
    line("文件", doc.path)
    line("格式", doc.format + (f"（编码 {doc.encoding}）" if doc.encoding else ""))
    line("类型", f"{kinds.get(doc.kind, doc.kind)}（{doc.kind}）", "kind")
    line("标题", doc.title, "title")
    line("机关", doc.agency, "agency")
    line("报告年度", doc.report_year, "report_year")
    line("发布日期", doc.published_on, "published_on")
    if doc.url:
        line("原文链接", doc.url)
    line("正文字数", len(doc.text))
    if doc.pages:
        line("页数", len(doc.pages))
    click.echo("章节：")
    for s in doc.sections:
        name = s.key or "（附加章节）"
        click.echo(f"  {name:<18} [{s.start:>6}, {s.end:>6})  {s.heading[:40]}")
    if doc.kind == "report":
        missing = [k for k in SECTION_KEYS if doc.section(k) is None]
        for k in missing:
            click.echo(f"  缺少章节：{SECTION_TITLES[k]}（{k}）")
    if doc.tables:
        click.echo(f"表格（原文为表格）：{len(doc.tables)}个")
    for n in doc.notes:
        click.echo(f"说明：{n}")
