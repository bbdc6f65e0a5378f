"""The shape of the package: one pipeline, no import cycles, no private reach-ins,
one home for rules and words, and no raw key in anything a person reads."""
from __future__ import annotations

import ast
import io
import json
import re
from pathlib import Path

import pytest

from scorer.explain import where_words
from scorer.pipeline import score_document
from scorer.render import render, render_check, render_csv, render_xlsx
from scorer.rules import RULES

from .conftest import CORPORA

PKG = Path(__file__).resolve().parent.parent / "scorer"


def _modules() -> dict[str, Path]:
    out = {}
    for p in PKG.rglob("*.py"):
        parts = p.relative_to(PKG.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def _imports(mods: dict[str, Path]) -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """Module → the scorer modules it imports (anywhere in it, lazy imports too), and
    the private names imported from another module."""
    edges: dict[str, set[str]] = {m: set() for m in mods}
    private = []
    for m, p in mods.items():
        pkg = m if p.name == "__init__.py" else m.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if not target.startswith("scorer"):
                    continue
                for a in node.names:
                    full = f"{target}.{a.name}"
                    if full in mods:
                        edges[m].add(full)
                    elif target in mods:
                        edges[m].add(target)
                        if a.name.startswith("_") and not a.name.startswith("__"):
                            private.append((m, target, a.name))
            elif isinstance(node, ast.Import):
                edges[m].update(a.name for a in node.names if a.name in mods)
    return edges, private


def test_no_import_cycle() -> None:
    mods = _modules()
    edges, _ = _imports(mods)
    # package __init__ modules re-export their children: an edge from a child to its
    # own package is how Python imports work, not a design cycle
    def deps(m: str) -> set[str]:
        return {d for d in edges[m] if not m.startswith(d + ".")}

    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(deps(m)):
            if state.get(d) == 1:
                cycle = stack[stack.index(d):] + [d]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(mods):
        if m not in state:
            visit(m)


def test_no_module_imports_a_private_name_of_another() -> None:
    _, private = _imports(_modules())
    assert private == []


def test_score_py_is_arithmetic_only() -> None:
    """The words of explanations live in explain.py/words.py/rules.py: score.py holds
    no Chinese text."""
    tree = ast.parse((PKG / "score.py").read_text(encoding="utf-8"))
    words = [n.value for n in ast.walk(tree)
             if isinstance(n, ast.Constant) and isinstance(n.value, str) and re.search(r"[\u4e00-\u9fff]", n.value)
             and not _is_docstring(tree, n)]
    assert words == []


def _is_docstring(tree: ast.AST, node: ast.Constant) -> bool:
    for n in ast.walk(tree):
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body:
            first = n.body[0]
            if isinstance(first, ast.Expr) and first.value is node:
                return True
    return False


def test_front_ends_call_the_pipeline_only() -> None:
    """Nothing but the pipeline strings the stages together: front ends import
    scorer.pipeline, never the stages' entry points."""
    stages = {"extract_tables", "validate_document", "assess_all", "score_assessed"}
    offenders = []
    for m, p in _modules().items():
        if m in ("scorer.pipeline", "scorer") or m.startswith(("scorer.tables", "scorer.evidence")):
            continue
        if m == "scorer.validate" or m == "scorer.score":
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and any(a.name in stages for a in node.names):
                if m.startswith("scorer.cli") and node.module == "scorer.tables":
                    continue  # `xxgk tables` shows the extractor itself
                offenders.append((m, node.module))
    assert offenders == []


# --------------------------------------------------------------------------- no raw keys

# a canonical key, a dotted path of keys, or an internal marker: none of these may
# reach a person except as a code in brackets beside its Chinese name
_RAW = re.compile(
    r"(?<![A-Za-z0-9_（(])(?:proactive|requests|review_litigation|natural_person|carried_forward|carried_over|"
    r"normative_docs|section:|tables?:|document\.|header|signature|not_assessable|no_evidence|planned_only)"
    r"(?![A-Za-z0-9_）)])"
    r"|[a-z_]+\.[a-z_*]+\.[a-z_]+"
)

# where each rule can point, for rules the corpus cannot make fire without last
# year's report
_WHERE = {
    "T2-in-force": "proactive.normative_docs.in_force",
    "T3-carry-chain": "requests.carried_over.total",
    "Q-repeat": "section:overview",
    "P-late": "document.published_on",
}


@pytest.fixture(scope="module")
def every_rule_result() -> dict:
    """The JSON result of a real report with findings (038: 表三 breaks), with one
    finding of every registry rule that did not fire, as the store would hold it."""
    d = score_document(CORPORA / "reports" / "038_pingtan_jingjifazhan_2024.txt", "core").to_dict()
    fired = {f["id"] for f in d["findings"]}
    for rid, rule in RULES.items():
        if rid in fired:
            continue
        where = _WHERE.get(rid, f"table:{rule.table}" if rule.table else "section:overview")
        d["findings"].append({"id": rid, "severity": rule.severity, "where": where,
                              "message": f"{rule.title}（示例）", "span": None, "numbers": {},
                              "location": where_words(where)})
    return json.loads(json.dumps(d))


def _docx_text(data: bytes) -> str:
    import docx

    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts += [c.text for row in t.rows for c in row.cells]
    return "\n".join(parts)


def _xlsx_text(data: bytes) -> str:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
                     if v is not None)


def _read(name: str, every_rule_result: dict) -> str:
    if name == "md":
        return render(every_rule_result, "md").decode("utf-8")
    if name == "html":
        page = re.sub(r"<style.*?</style>", " ", render(every_rule_result, "html").decode("utf-8"), flags=re.S)
        return re.sub(r"<[^>]+>", " ", page)
    if name == "docx":
        return _docx_text(render(every_rule_result, "docx"))
    if name == "check":
        return render_check(every_rule_result)
    if name == "xlsx":
        return _xlsx_text(render_xlsx([every_rule_result]))
    return render_csv([every_rule_result]).decode("utf-8-sig")


@pytest.mark.parametrize("output", ["md", "html", "docx", "check", "xlsx"])
def test_every_rule_shows_its_chinese_title_and_no_raw_key(output: str, every_rule_result: dict) -> None:
    text = _read(output, every_rule_result)
    for rid, rule in RULES.items():
        assert rule.title in text, (output, rid)
    # a rule id may stand only as a code: in brackets right after its title, or in
    # the sheet's 规则代码 column beside the 问题类型 column
    for m in re.finditer(r"[A-Z]\d?-[a-z\-]+", text):
        rid = m.group(0)
        if rid in RULES:
            before, after = text[max(0, m.start() - 1)], text[m.end():m.end() + 1 + len(RULES[rid].title)]
            as_code = before in "（(" or (output == "xlsx" and after == "\n" + RULES[rid].title)
            assert as_code, (output, text[max(0, m.start() - 30):m.end() + 5])
    path = every_rule_result["document"]["path"]
    text = re.sub(r"https?://\S+", " ", text.replace(path, ""))  # addresses are not keys
    raw = [m.group(0) for m in _RAW.finditer(text)]
    assert raw == [], (output, raw[:5])


def test_every_where_of_the_corpus_has_chinese_words() -> None:
    """Every place a finding of the corpus points to is named in Chinese."""
    seen = set()
    for f in sorted((CORPORA / "reports").glob("*.*"))[:12] + sorted((CORPORA / "reports2").glob("*.txt"))[:12]:
        try:
            d = score_document(f, "core").to_dict()
        except Exception:
            continue
        for x in d["findings"]:
            seen.add(x["where"])
            assert not _RAW.search(where_words(x["where"])), x["where"]
            assert not _RAW.search(x["location"] or ""), x["location"]
    assert len(seen) > 10
