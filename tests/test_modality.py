"""The modality layer on real sentences of several regions (issue 14).

Every kind of sentence that must not count as a deed of the agency in the report
year (``planned``, ``required``, ``general``, ``other_actor``, ``other_year``,
``denied``) and the deeds that must count (``done``, also without a number) are
checked on sentences taken verbatim from the corpora: 平潭 (pingtan) and 莆田
(putian) reports, 淮安 (huaian) and 上海 (shanghai, the 松江/青浦 seeds) reports
and plans, Fujian 要点 (任务分解表, 实施意见) and a 莆田 制度. Each sentence is looked
up in its document, whose own context (report year, section, improvement half,
agency, kind) is what the judgement gets, as in :func:`scorer.evidence.assess.assess`.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest

from scorer.evidence.modality import MODALITIES, in_document, judge_modality
from scorer.load import load
from scorer.sentences import split_sentences

CORPORA = Path(__file__).resolve().parent.parent / "corpora"

# (document under corpora/, sentence or its start, criterion term in it or None, expected)
CASES: list[tuple[str, str, str | None, str]] = [
    # --- done: this year, this agency (also without a number)
    ("reports2/302_putian_chengguan_2022.txt", "2022年我局共发布政策解读10条，其中文字类解读5份，图片类解读3份，视频类解读1份，问答类解读1份。", "政策解读", "done"),
    ("reports2/342_putian_tongji_2024.txt", "通过“莆田统计”微信公众号平台发布信息448篇（条），阅读量超过5.2万人次。", "微信公众号", "done"),
    ("reports2/342_putian_tongji_2024.txt", "莆田市统计局政府信息公开领导小组定期听取信息公开工作情况汇报，安排部署信息公开工作，确保信息公开工作扎实有序开展。", "听取", "done"),
    ("reports2/348_putian_wenlv_2022.txt", "并以图解、文字的形式进行解读", "图解", "done"),
    ("seeds/000_08bff46af6e18331.txt", "为推进政策决策过程公开,2021年,邀请相关利益第三方列席有关会议,年内共2次。", "列席", "done"),
    ("reports/001_huaian_hongzequ_2023.pdf", "2023年，区政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费0元。", "信息处理费", "done"),
    ("reports/026_pingtan_nongyenongcun_2022.txt", "派员参加政务公开工作培训", "培训", "done"),
    ("reports/004_shanghai_kewei_2024.md", "全年收到政府信息公开申请34件", None, "done"),
    # a fix told in 五: the act's own clause is perfective (开通了), the shortcoming is
    # what it answers
    ("reports2/312_putian_tongji_2019.txt", "针对政府信息公开专栏公开信息渠道单一", "微信公众号", "done"),
    # 拟 heading a relative clause ("对拟…公开的信息") names what is to be published
    ("reports2/341_putian_tongji_2020.txt", "对拟在门户网站", "微信公众号", "done"),
    # a 莆田 text-run dump: the sentence is whole only once its lines are joined
    ("reports2/304_putian_haiyangyuye_2021.txt", "今年我局主动公开的政府信息数37件", None, "done"),
    ("reports2/307_putian_shenji_2023.txt", "抓好相关问题整改", "在线访谈", "done"),
    # --- planned: a plan, a heading or a resolution in the improvement half of 五
    ("reports2/310_putian_linye_2024.txt", "一是加强政策解读。", "政策解读", "planned"),
    ("reports2/310_putian_linye_2024.txt", "二是加强业务培训。", "培训", "planned"),
    ("reports2/320_putian_yingji_2025.txt", "2026年，我将进一步健全信息长效管理机制", "新媒体", "planned"),
    ("reports2/342_putian_tongji_2024.txt", "下一步，将进一步", None, "planned"),
    ("seeds/001_1ca1bc342bc23096.txt", "拟于 2022 年 6-7 月公共机构节能周期间，举办开放日活动", "开放日", "planned"),
    ("seeds/000_08bff46af6e18331.txt", "对松江机关事务近年来发布的关于办公用房管理、公务用车管理等方面的政策文件,进一步扩大政策解读传播面,要通过", "政策解读", "planned"),
    ("reports/023_pingtan_ziranziyuan_2021.txt", "一是加强业务培训，组织各处室信息员参加各级政府信息公开业务培训", "培训", "planned"),
    # the part of a 政府工作报告 after "2025年工作安排" states the year's plans
    ("negatives/399_putian_zhengfugongzuobaogao_2025.txt", "用心办好为民实事", "12345", "planned"),
    ("negatives/399_putian_zhengfugongzuobaogao_2025.txt", "更加关注技能培训", "培训", "planned"),
    # --- required: obligations laid down from above or on others
    ("yaodian/047_fujian_zwgk_renwufenjie_2016.txt", "特别重大、重大突发事件发生后，应在24小时内举行新闻发布会。", "新闻发布会", "required"),
    ("yaodian/047_fujian_zwgk_renwufenjie_2016.txt", "主要负责同志年内至少听取一次政务公开工作汇报，研究部署推进工作。", "听取", "required"),
    ("yaodian/044_fujian_zwgk_renwufenjie_2018.txt", "各单位主要领导落实政策解读职责情况纳入政府绩效考评依据。", "政策解读", "required"),
    ("seeds/004_778e9eaa94c38b02.txt", "局主要领导要亲自关心部署政务公开工作,年内至少专门听取 1 次工作汇报。", "听取", "required"),
    ("seeds/004_778e9eaa94c38b02.txt", "年内组织政务公开通识培训不少于 1 次。", "培训", "required"),
    ("seeds/001_1ca1bc342bc23096.txt", "分管领导每季度至少听取一次汇报，研究政务公开工作重点难点。", "听取", "required"),
    ("reports2/323_putian_wenlv_2019.txt", "各县区年度抽查比例原则上不低于检查对象总数的5%", None, "required"),
    # --- general: a rule, a definition, a purpose clause
    ("negatives/398_putian_zhudonggongkai_zhidu_2020.txt", "第五条 主动公开的政府信息通过政府公报、政府网站、互联网政务媒体、新闻发布会等途径予以公开。", "新闻发布会", "general"),
    ("negatives/398_putian_zhudonggongkai_zhidu_2020.txt", "第九条 本制度自印发之日起施行。", None, "general"),
    ("negatives/398_putian_zhudonggongkai_zhidu_2020.txt", "第二条 行政机关制作的政府信息，由制作该政府信息的行政机关负责公开。", None, "general"),
    ("yaodian/043_pingtan_caijin_zwgk_shishifangan_2018.txt", "岚财金〔2018〕170号平潭综合实验区财政金融局关于印发2018年政务公开工作任务实施方案的通知", "工作要点", "general"),
    ("yaodian/047_fujian_zwgk_renwufenjie_2016.txt", "各市、县（区）人民政府，平潭综合实验区管委会，省人民政府各部门、各直属机构： 为贯彻落实", "工作要点", "general"),
    # --- other_actor: others did it
    ("negatives/397_putian_shizhengfu_nianbao_2008_oldformat.txt", "各县（区）及部门相应举办不同类型不同对象参加的培训班", "培训", "other_actor"),
    ("negatives/397_putian_shizhengfu_nianbao_2008_oldformat.txt", "各县（区）也相应建立了政府信息公开工作联席会议制度", None, "other_actor"),
    ("negatives/397_putian_shizhengfu_nianbao_2008_oldformat.txt", "全市各级政府及其工作部门共受理政府信息公开申请100件", None, "other_actor"),
    ("reports/010_pingtan_syq_2020.txt", "各部门政府信息公开工作的开展还不够均衡", None, "other_actor"),
    ("negatives/397_putian_shizhengfu_nianbao_2008_oldformat.txt", "各县（区）政府（管委会）、市直各部门也相应建立", None, "other_actor"),
    # the province's notice: approved by its leaders, sent to the cities and departments
    ("yaodian/049_fujian_zwgk_shishiyijian_2016.txt", "各市、县（区）党委和人民政府", None, "other_actor"),
    ("yaodian/049_fujian_zwgk_shishiyijian_2016.txt", "各级政府机关要畅通采访渠道，创造条件安排主流媒体及其新媒体负责人列席有关重要决策会议。", "列席", "required"),
    # --- denied
    ("seeds/000_08bff46af6e18331.txt", "3、新闻发布情况:认真参与区委宣传部组织的新闻发言人培训,规范新闻发布的流程,本年度未召开新闻发布会", "新闻发布会", "denied"),
    ("reports2/326_putian_chengguan_2023.txt", "一是政策文件解读形式还是比较单一，还没有形成图表、视频、H5等形式的解读文件；", "视频", "denied"),
    ("reports2/314_putian_tongji_2025.txt", "2025年，莆田市统计局未收取信息处理费。", "收取", "denied"),
    ("reports2/348_putian_wenlv_2022.txt", "本局无政务舆情事件", "政务舆情", "denied"),
    ("reports/021_pingtan_shichangjianguan_2023.txt", "政策解读的形式还不够丰富，未运用动画、音频、视频、H5等形式开展解读", "视频", "denied"),
    # --- other_year: another year's deeds
    ("negatives/395_pingtan_caizhengjinrong_zwgk_zichabaogao_2017.txt", "2013年，为加强对政务公开工作的领导", "领导小组", "other_year"),
    ("negatives/395_pingtan_caizhengjinrong_zwgk_zichabaogao_2017.txt", "2016年平潭综合实验区本级财政决算经人大常委会批准通过后", None, "other_year"),
    ("reports/083_pingtan_caizhengjinrong_2024.txt", "(二)主动公开政府信息的主要类别2023年，在主动公开的61条政府信息中", "政策", "other_year"),
    ("reports2/337_putian_keji_2025.txt", "2024年度我局未收到依申请公开事项。", None, "other_year"),
    # a 政府工作报告 (2025) reviews the year before; a 2026 budget the 2025 execution
    ("negatives/399_putian_zhengfugongzuobaogao_2025.txt", "就业政策持续加力", "培训", "other_year"),
    ("negatives/391_shanghai_putuo_sifaju_yusuan_2026.pdf", "2025年当年预算执行数为1690.69万元", None, "other_year"),
]

_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@lru_cache(maxsize=None)
def _document(rel: str):
    doc = load(str(CORPORA / rel))
    return doc, split_sentences(doc)


def _judge(rel: str, start: str, term: str | None) -> str:
    doc, sents = _document(rel)
    want = _squash(start)
    found = [s for s in sents if want in _squash(s.flat)]
    assert found, f"{start!r} is not a sentence of {rel}"
    s = found[0]
    text = s.flat
    hits: tuple[tuple[int, int], ...] = ()
    if term is not None:
        i = text.find(term)
        assert i >= 0, f"{term!r} not in {text!r}"
        hits = ((i, i + len(term)),)
    # a text without a year of its own (a self-check report) keeps its file name's
    m = _YEAR_IN_NAME.search(Path(rel).name)
    year = doc.report_year or (int(m.group(1)) if m else None)
    j = judge_modality(text, hits, report_year=year, section=s.section, improvement=s.improvement,
                       agency=doc.agency)
    return in_document(j, doc.kind)


@pytest.mark.parametrize("rel,start,term,expected", CASES, ids=[f"{c[3]}-{Path(c[0]).stem[:16]}-{i}" for i, c in enumerate(CASES)])
def test_real_sentence_modality(rel: str, start: str, term: str | None, expected: str) -> None:
    assert _judge(rel, start, term) == expected


def _region(rel: str) -> str:
    if rel.startswith("seeds/"):
        return "shanghai"
    return re.match(r"\d+_([a-z]+)_", Path(rel).name).group(1)


def test_every_kind_has_five_real_sentences_from_three_regions() -> None:
    by_kind: dict[str, set[str]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    for rel, _, _, expected in CASES:
        by_kind[expected].add(_region(rel))
        count[expected] += 1
    for kind in ("done", "planned", "required", "general", "denied", "other_actor", "other_year"):
        assert count[kind] >= 5 and len(by_kind[kind]) >= 3, (kind, count[kind], by_kind[kind])
    assert set(count) <= set(MODALITIES)


def test_issue_examples() -> None:
    """The kinds of sentence the issue names, as written there."""
    def j(text: str, term: str, **kw) -> str:
        i = text.find(term)
        return judge_modality(text, ((i, i + len(term)),), **kw).modality

    assert j("按照要点要求，各单位每半年至少举办一次政府开放日活动", "政府开放日") == "required"
    assert j("各部门要在文件印发后三个工作日内发布解读材料", "解读") == "required"
    assert j("二是强化业务培训。", "培训", section="problems", improvement=True) == "planned"
    assert j("下一步，我局将继续加强政策解读工作，丰富解读形式", "政策解读") == "planned"
    assert j("持续做好新闻发布工作，不断提升回应质量", "新闻发布", section="problems", improvement=True) == "planned"
    assert j("市政府常务会议听取了全市政务公开工作情况汇报", "听取", agency="莆田市统计局") == "other_actor"
    assert j("市政府常务会议听取了全市政务公开工作情况汇报", "听取", agency="莆田市人民政府") == "done"
    assert j("各区分管负责同志列席会议", "列席") == "other_actor"
    assert j("本办法所称政府开放日，是指行政机关邀请公众走进机关的活动", "政府开放日") == "general"
    assert j("为进一步做好新闻发布工作，提升政府公信力，制定本办法。", "新闻发布") == "general"
    assert j("2020年，我局召开新闻发布会2场", "新闻发布会", report_year=2022) == "other_year"
    assert j("2022年，我局召开新闻发布会2场", "新闻发布会", report_year=2022) == "done"
    assert j("通过门户网站、政务微信等渠道，采用图解、问答等形式对本部门出台的政策文件进行解读", "图解",
             report_year=2022, section="overview") == "done"


def _cue_rows() -> tuple[list[tuple[float, ...]], list[str]]:
    from scorer.evidence.modality import cue_features

    X, y = [], []
    for rel, start, term, expected in CASES:
        doc, sents = _document(rel)
        s = next(s for s in sents if _squash(start) in _squash(s.flat))
        i = s.flat.find(term) if term else -1
        hits = ((i, i + len(term)),) if term and i >= 0 else ()
        X.append(cue_features(s.flat, hits, report_year=doc.report_year, section=s.section,
                              improvement=s.improvement, agency=doc.agency, kind=doc.kind))
        y.append(expected)
    return X, y


def test_cue_features_name_every_cue() -> None:
    from scorer.evidence.modality import CUE_NAMES

    X, y = _cue_rows()
    assert all(len(x) == len(CUE_NAMES) for x in X)
    named = dict(zip(CUE_NAMES, X[0]))  # 莆田 城管 2022: "2022年我局共发布政策解读10条…"
    assert named["rule=done"] == 1.0 and named["counted"] == 1.0 and named["plan_scope"] == 0.0
    req = dict(zip(CUE_NAMES, X[y.index("required")]))
    assert req["oblige_scope"] == 1.0 and req["kind=yaodian"] == 1.0


def test_cue_model_is_a_scikit_learn_classifier() -> None:
    import numpy as np
    from sklearn.base import clone

    from xxgk_lab.train import CueModalityClassifier

    X, y = _cue_rows()
    est = clone(CueModalityClassifier(C=2.0))
    assert est.get_params() == {"C": 2.0, "class_weight": "balanced"}
    est.fit(np.array(X), y)
    p = est.predict_proba(np.array(X))
    assert p.shape == (len(X), len(set(y))) and np.allclose(p.sum(axis=1), 1.0)
    assert set(est.predict(np.array(X))) <= set(y)
    # the rules' own class is among its cues: on the sentences it was fitted on it agrees
    assert np.mean(est.predict(np.array(X)) == np.array(y)) >= 0.9


def test_regions_of_labelled_documents() -> None:
    from xxgk_lab.evaluate import region_of

    assert region_of("reports2/302_putian_chengguan_2022.txt") == "putian"
    assert region_of("reports/011_pingtan_syq_2021.txt") == "pingtan"
    assert region_of("seeds/000_08bff46af6e18331.txt") == "seeds"
    assert region_of("yaodian/047_fujian_zwgk_renwufenjie_2016.txt") == "fujian"


def test_discarded_sentences_keep_their_class_and_reason() -> None:
    """A 要点 (seed 004, 青浦): its training task is a requirement, not a deed, and the
    explanation says so for the sentence it quotes."""
    from scorer.criteria import load_criteria
    from scorer.evidence.assess import assess
    from scorer.explain import assessment_text

    doc, _ = _document("seeds/004_778e9eaa94c38b02.txt")
    training = next(c for c in load_criteria("core").criteria if c.id == "training")
    a = assess(doc, training, model=False)
    assert a.verdict == "not_met" and a.reason == "no_evidence"
    assert a.evidence and {e.modality for e in a.evidence} == {"required"}
    assert "系上级或文件提出的要求" in assessment_text(doc, training, a)
