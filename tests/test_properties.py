"""Property tests: arbitrary input raises only the project's documented errors, width
normalisation is idempotent, and noise outside the tables never changes table values."""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorer.clean import normalize_width
from scorer.errors import ScorerError
from scorer.load import load_bytes
from scorer.tables import extract_tables

from .conftest import CORPORA, seed

_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like reports: CJK, digits, headings, table debris, punctuation.
_PIECES = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "（七）总计",
           "本年新收政府信息公开申请数量", "7130000", " | ", "\t", "\n", "。", "，", "2023年", "第二十条第（一）项",
           "标题: ", "发布时间: 2024-01-", "==================== 正文 ====================", "<table>", "<td>",
           "%PDF", "PK\x03\x04", "\x00", "１２３", "　", "返回上一级", "相关链接:"]
report_like = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=20)), max_size=60).map("".join)


@_SETTINGS
@given(st.binary(max_size=4000))
def test_loader_raises_only_load_errors_on_bytes(data):
    for name in ("x.txt", "x.docx", "x.pdf", "x.html"):
        try:
            load_bytes(data, name)
        except ScorerError:
            pass


@_SETTINGS
@given(report_like)
def test_loader_and_tables_on_report_like_text(text):
    try:
        doc = load_bytes(text.encode("utf-8", "surrogatepass"), "gen.txt")
    except ScorerError:
        return
    except UnicodeEncodeError:
        return
    result = extract_tables(doc)
    assert isinstance(result.to_dict(), dict)


@_SETTINGS
@given(report_like)
def test_scoring_raises_only_project_errors(text):
    from scorer.pipeline import score_document

    try:
        doc = load_bytes(text.encode("utf-8", "replace"), "gen.txt", kind="report")
    except ScorerError:
        return
    result = score_document(doc, "core")
    total = result.score["total"]
    assert total is None or 0 <= total <= 100


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFFEF), max_size=200))
@settings(max_examples=200, deadline=None)
def test_width_normalisation_idempotent(text):
    once = normalize_width(text)
    assert normalize_width(once) == once
    assert len(once) <= len(text)


_NOISE = ["返回上一级", "字号 打印", "我局高度重视政务公开工作，持续推进各项任务落实。", "2024年1月5日",
          "关注我们", "本年度共发布信息120条，其中政策文件12件。", "（一）主动公开情况。"]


@_SETTINGS
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=6))
def test_noise_outside_tables_keeps_table_values(rnd: random.Random, n: int):
    """Insert narrative noise between the lines of a report's sections 一 and 五/六
    (outside its tables): 表三/表四 values are unchanged."""
    for path in (seed("000"), CORPORA / "reports/082_pingtan_gongan_2022.txt"):
        data = path.read_bytes()
        base = extract_tables(load_bytes(data, path.name))
        text = data.decode("utf-8")
        cut = text.index("二、主动公开政府信息情况")
        tail_at = text.index("五、存在的主要问题")
        head, middle, tail = text[:cut], text[cut:tail_at], text[tail_at:]
        for _ in range(n):
            piece = rnd.choice(_NOISE)
            if rnd.random() < 0.5:
                i = rnd.randrange(len(head))
                j = head.rfind("。", 0, i) + 1  # at a sentence boundary
                head = head[:j] + piece + head[j:]
            else:
                i = rnd.randrange(len(tail))
                j = tail.find("。", i)
                j = len(tail) if j < 0 else j + 1
                tail = tail[:j] + piece + tail[j:]
        noisy = extract_tables(load_bytes((head + middle + tail).encode("utf-8"), path.name))
        assert noisy.requests == base.requests
        assert noisy.review_litigation == base.review_litigation


# --------------------------------------------------------------------------- JSON

_json_leaf = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
              | st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
_json_values = st.recursive(
    _json_leaf,
    lambda kids: st.lists(kids, max_size=4) | st.tuples(kids, kids)
    | st.dictionaries(st.text(max_size=6), kids, max_size=4)
    | st.dictionaries(st.integers(), kids, min_size=1, max_size=2),  # non-str keys: the fallback
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(_json_values)
def test_fast_json_writes_what_json_dumps_writes(value):
    import json

    from scorer.render.json import dumps

    assert dumps(value) == json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2)


def test_fast_json_edge_values():
    import json

    from scorer.render.json import dumps

    edge = [float("nan"), float("inf"), -float("inf"), -0.0, 1e-7, 1e22, 0.1 + 0.2, 2**70, -1, True, None,
            "", "\u2028\u0000\"\\/\t", "政府信息公开", {}, [], (), {"b": [], "a": {}}, [[{}]]]
    for v in [*edge, edge, {"k": edge, "": {"z": 1, "y": (1, 2)}}]:
        assert dumps(v) == json.dumps(v, ensure_ascii=False, sort_keys=True, indent=2)


def test_fast_json_on_every_corpus_result():
    import json

    from scorer.render.json import dumps
    from scorer.pipeline import score_document

    for f in sorted((CORPORA / "reports").glob("*.txt"))[:12]:
        d = score_document(str(f), "core").to_dict()
        assert dumps(d) == json.dumps(d, ensure_ascii=False, sort_keys=True, indent=2)
