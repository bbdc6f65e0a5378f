"""The ``context`` field of a criterion: a word of which one must also stand in the
sentence (issue 14, topic errors). On real reports: an interview is a form of
interpretation only when the sentence says it interprets; last year's problems are
named as last year's."""
from __future__ import annotations

import dataclasses
from functools import lru_cache
from pathlib import Path

import pytest

from scorer.criteria import load_criteria
from scorer.errors import CriteriaError
from scorer.evidence.assess import assess_all
from scorer.evidence.keywords import context_words, find_candidates, in_context
from scorer.load import load
from scorer.nlp import cut
from scorer.sentences import split_sentences

CORPORA = Path(__file__).resolve().parent.parent / "corpora"


@lru_cache(maxsize=None)
def _core(cid: str):
    return load_criteria("core").get(cid)


@lru_cache(maxsize=None)
def _sentences(rel: str):
    doc = load(str(CORPORA / rel))
    sents = split_sentences(doc)
    return doc, sents, [cut(s.flat) for s in sents]


def _candidates(rel: str, criterion) -> list[str]:
    doc, sents, toks = _sentences(rel)
    hits = find_candidates(sents, criterion, toks, has_sections=bool(doc.sections), report_year=doc.report_year)
    return [sents[h.index].flat for h in hits]


def test_context_words_fill_the_year_before() -> None:
    c = _core("prior_rectification")
    assert "2020年" in context_words(c, 2021)
    assert not any("{" in w for w in context_words(c, 2021))
    # no report year: the year word is left out, the others stay
    assert "上年" in context_words(c, None) and not any("年" == w[-1] and w[0].isdigit() for w in context_words(c, None))
    assert in_context("任何文字", ())


def test_an_interview_that_does_not_interpret_is_no_interpretation_form() -> None:
    rel = "reports2/326_putian_chengguan_2023.txt"
    with_context = _candidates(rel, _core("interpretation_forms"))
    without = _candidates(rel, dataclasses.replace(_core("interpretation_forms"), context=()))
    assert "局领导参加在线访谈1次。" in without
    assert "局领导参加在线访谈1次。" not in with_context


def test_an_interview_said_to_interpret_still_counts() -> None:
    got = _candidates("reports2/338_putian_shenji_2022.txt", _core("interpretation_forms"))
    assert any("在线访谈栏目，解读民生审计" in t for t in got)


def test_fixing_last_years_problems_is_named_by_the_year() -> None:
    # 086 (2021): "针对2020年政府信息公开工作中存在的问题，采取措施，扎实改进"
    res = assess_all(load(str(CORPORA / "reports/086_pingtan_xingzhengshenpi_2021.txt")),
                     [_core("prior_rectification")], model=False, strategy="keywords")
    a = res["prior_rectification"]
    assert a.verdict == "met"
    assert "针对2020年" in a.evidence[0].quote


def test_fixing_this_years_assessment_findings_is_not_prior_rectification() -> None:
    # 307 (2023) fixes what the 2023 third-party assessment found: no 上年/2022年
    rel = "reports2/307_putian_shenji_2023.txt"
    assert not any("抓好相关问题整改" in t for t in _candidates(rel, _core("prior_rectification")))
    without = _candidates(rel, dataclasses.replace(_core("prior_rectification"), context=()))
    assert any("抓好相关问题整改" in t for t in without)


def test_context_must_be_a_list_of_words(tmp_path) -> None:
    f = tmp_path / "t.yaml"
    f.write_text("id: t\ntitle: t\ncriteria:\n  - id: x\n    title: 培训\n    context: 解读\n"
                 "    weight: 100\n    keywords: [培训]\n", encoding="utf-8")
    with pytest.raises(CriteriaError) as info:
        load_criteria(str(f))
    assert f"{f} 第6行：指标“x”的“context”必须是非空文本的列表" in str(info.value)
    f.write_text("id: t\ntitle: t\ncriteria:\n  - id: x\n    title: 培训\n    context: [解读, '{year-1}年']\n"
                 "    weight: 100\n    keywords: [培训]\n", encoding="utf-8")
    assert load_criteria(str(f)).get("x").context == ("解读", "{year-1}年")
