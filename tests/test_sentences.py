"""Sentence segmentation on real corpus documents (scorer.sentences)."""
from __future__ import annotations

from pathlib import Path

import pytest

from scorer.model import Document, Section
from scorer.sentences import Sentence, split_sentences

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"


def _load(rel: str) -> Document:
    from scorer.load import load

    p = CORPORA / rel
    if not p.exists():
        pytest.skip(f"{rel} not in corpora")
    return load(str(p))


@pytest.mark.parametrize(
    "rel",
    [
        "reports/022_pingtan_shehuishiye_2022.txt",
        "reports/001_huaian_hongzequ_2023.pdf",
        "reports/004_shanghai_kewei_2024.md",
        "seeds/000_08bff46af6e18331.txt",
        "seeds/003_8030f6624176119d.txt",
    ],
)
def test_spans_map_exactly_into_text(rel: str) -> None:
    doc = _load(rel)
    sents = split_sentences(doc)
    assert len(sents) > 10
    prev_end = -1
    for s in sents:
        assert isinstance(s, Sentence)
        assert doc.text[s.span[0] : s.span[1]] == s.text
        assert s.text == s.text.strip()
        assert s.span[0] >= prev_end  # in order, no overlap
        prev_end = s.span[1]


def test_pingtan_heading_glued_to_sentence_is_split_off() -> None:
    doc = _load("reports/022_pingtan_shehuishiye_2022.txt")
    texts = [s.text for s in split_sentences(doc)]
    first = next(t for t in texts if t.startswith("2022年，我局认真贯彻落实"))
    assert "总体情况" not in first
    assert not any(t.startswith("一、总体情况") for t in texts)


def test_list_items_start_sentences_and_section_five_halves() -> None:
    doc = _load("reports/022_pingtan_shehuishiye_2022.txt")
    sents = split_sentences(doc)
    prob = [s for s in sents if s.section == "problems"]
    item = next(s for s in prob if s.text.startswith("三是政策解读不规范"))
    assert not item.improvement  # problems half
    plan = next(s for s in prob if s.text.startswith("一是继续组织人员培训"))
    assert plan.improvement  # 改进措施 half
    fee = next(s for s in sents if "信息公开处理费" in s.text)
    assert fee.section == "other"


def test_tables_and_digit_runs_are_not_sentences() -> None:
    doc = _load("reports/022_pingtan_shehuishiye_2022.txt")
    for s in split_sentences(doc):
        assert "本年制发件数" not in s.text
        assert "0000000" not in s.text
    seed = _load("seeds/000_08bff46af6e18331.txt")
    assert not any(" | " in s.text for s in split_sentences(seed))


def test_wrapped_pdf_lines_are_joined() -> None:
    doc = _load("reports/003_huaian_shizhengfu_2024.pdf")
    s = next(s for s in split_sentences(doc) if s.text.startswith("本报告由淮安市人民政府办公室"))
    assert "《中华人民共和国政府信息公开条例》" in s.flat
    assert s.text.endswith("编制。")


def test_table_spans_of_the_document_are_skipped() -> None:
    text = "一、总体情况2022年，我局召开新闻发布会2次。表 | 1 | 2\n合计 | 3 | 4\n六、其他需要报告的事项本年度未收取信息处理费。"
    t0 = text.index("表")
    t1 = text.index("六、")
    from scorer.model import RawTable

    doc = Document(
        path="x", format="html", text=text, kind="report", title=None, agency=None, report_year=2022,
        published_on=None, metadata_source={},
        sections=(Section("overview", "一、总体情况", 0, 6, t1), Section("other", "六、其他需要报告的事项", t1, t1 + 11, len(text))),
        tables=(RawTable(rows=(("表", "1", "2"),), span=(t0, t1), origin="html"),),
    )
    got = [(s.section, s.text) for s in split_sentences(doc)]
    assert got == [("overview", "2022年，我局召开新闻发布会2次。"), ("other", "本年度未收取信息处理费。")]
