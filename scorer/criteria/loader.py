"""Load and validate criteria files (see ``criteria/README.md`` for the format).

Reading goes in three steps, each failing with a :class:`~scorer.errors.CriteriaError`
that names the file, line and field:

1. *structure*: YAML syntax, duplicate keys, unknown keys, the type of each value
   (:data:`~scorer.criteria.schema.SET_FIELDS`, ``CRITERION_FIELDS``);
2. *inheritance*: ``extends`` (a shipped name or a path; cycles and missing parents are
   errors), ``drop``, overrides by id, ``parent_weight`` rescaling;
3. *contract*: the resolved table against the pandera model
   :class:`~scorer.criteria.schema.CriteriaTable` (ids unique, weights in (0, 100] and
   summing to 100, known scoring kinds / rules / sections, …).
"""
from __future__ import annotations

import datetime as dt
import difflib
import math
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from scorer.criteria._yaml import LineDict, LineList, YamlProblem, parse_yaml
from scorer.criteria.fields import (
    CLASSIFIER_LABELS,
    CRITERION_FIELDS,
    FREQUENCIES,
    SET_FIELDS,
    Problem,
    format_value,
    quick_pass,
)
from scorer.errors import SHOWN_LIMIT, CriteriaError, shown
from scorer.model import DEFAULT_REPEAT_THRESHOLD, CriteriaSet, Criterion

__all__ = ["load_criteria", "list_criteria", "shipped_dir", "shipped_names", "resolve_criteria"]

#: A criteria file is a few KB; anything much larger is the wrong file (checked
#: before the YAML is parsed).
MAX_CRITERIA_BYTES = 1024 * 1024

_SET_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SUFFIXES = (".yaml", ".yml")

#: Values a new criterion gets when the file does not say (Criterion's defaults).
_DEFAULTS: dict[str, Any] = {
    "scoring": None,  # derived: count when min_count is given, else presence
    "category": "",
    "clause": "",
    "keywords": (),
    "synonyms": (),
    "exclude": (),
    "context": (),
    "min_count": None,
    "frequency": None,
    "months": (),
    "within_days": None,
    "sections": (),
    "classifier_label": None,
    "rules": (),
    "deduction": 0.5,
    "checkable": True,
    "partial_credit": 0.5,
}
_REQUIRED = ("id", "title", "weight")

_KIND_TEXT: dict[str, str] = {
    "set_id": "由小写英文字母、数字和“-”组成的标识（如qingpu-lvrong-2022）",
    "criterion_id": "文本标识（如open_day）",
    "text": "文本",
    "number": "数字",
    "int": "正整数",
    "bool": "true或false",
    "str_list": "非空文本的列表（如[列席, 公众代表]）",
    "id_list": "指标id的列表（如[press_conference]）",
    "month_list": "1–12的月份或月份列表（如[6, 7]）",
    "year": "年份（如2022）",
    "date": "YYYY-MM-DD格式的日期",
    "year_map": "报告年度到表格格式的映射（如{2019: '2019', 2021: '2021'}）",
    "deadline_map": "映射{department: 'MM-DD', whole_government: 'MM-DD'}",
    "list": "指标（映射）的列表",
}

#: Every message this module raises: what is wrong, then what to do. Values from the
#: file are echoed through :func:`scorer.errors.shown` (at most ~60 characters).
MESSAGES: dict[str, str] = {
    "no_file": "找不到这个指标文件，也没有同名的内置指标体系（内置：{shipped}），请检查名称或路径",
    "too_big": "文件有{size} KB，超过指标文件上限{limit} KB，请确认选择的是指标体系YAML文件",
    "not_utf8": "指标文件必须是UTF-8编码的文本，请另存为UTF-8后重试",
    "unreadable": "无法读取文件（{reason}），请检查路径和读取权限",
    "not_mapping": "指标文件必须是YAML映射，至少包含id、title和criteria（见criteria/README.md）",
    "no_set_field": "指标体系缺少“{name}”，请在文件开头加上“{name}:”",
    "needs_extends": "“{name}”只能与extends一起使用，请加上extends或删除这一项",
    "no_criteria": "指标体系“{set_id}”没有指标，请在criteria:下列出指标，或用“extends: core”继承",
    "parent_weight": "指标体系“{set_id}”的“parent_weight”必须是(0, 100]之间的数，实际为{got}",
    "item_not_mapping": "criteria的第{n}项必须是包含id、title、weight等的映射，实际为{got}",
    "item_no_id": "criteria的第{n}项缺少“id”，请补上",
    "item_bad_id": "第{n}项的“id”必须是文本标识（如open_day），实际为{got}",
    "unknown_key": "{owner}中有未知的键{key}{advice}",
    "did_you_mean": "，是否应为“{hint}”？",
    "allowed": "，允许的键：{allowed}",
    "bad_type": "{owner}的“{name}”必须是{kind}，实际为{got}",
    "bad_frequency": "{owner}的“frequency”必须是{choices}之一，实际为{got}",
    "bad_entry": "{owner}的“{name}”必须是{kind}，第{n}项为{got}",
    "too_many_gaps": "{owner}的“{name}”第{n}项{got}有{gaps}处“…”，最多允许{limit}处，请拆成较短的词",
    "twice": "{owner}的“{name}”重复列出{got}（首次在第{first}行），请删除重复项",
    "bad_extends": "指标体系“{set_id}”的extends指向{got}，它既不是同目录下的文件也不是内置指标体系（{shipped}），请检查名称",
    "cycle": "extends形成循环：{chain}，请去掉其中一处继承",
    "drop_unknown": "指标体系“{set_id}”的drop列出了“{cid}”，但指标体系“{parent}”中没有这一项{hint}",
    "drop_hint": "，是否应为“{hint}”？",
    "dropped_and_redefined": "指标“{cid}”在指标体系“{set_id}”中既被drop又被重新定义，请只保留一种",
    "missing_field": "指标“{cid}”缺少“{field}”{why}，请补上",
    "new_item": "（它不在指标体系“{parent}”中，是新增指标）",
    "rule_reuse": "指标“{cid}”的规则“{rule}”已由“{first}”计分（第{line}行），同一问题只能扣一次分，请删除其中一处",
    "more": "（此后还有{n}处问题）",
}


def _quoted(value: Any) -> str:
    """A name from the file in Chinese quotes, cut to the message limit."""
    if isinstance(value, str):
        return f"“{value[:SHOWN_LIMIT]}…”" if len(value) > SHOWN_LIMIT else f"“{value}”"
    return shown(value)


def _owner_set(set_id: Any) -> str:
    return f"指标体系{_quoted(set_id)}"


def _owner_item(cid: Any) -> str:
    return f"指标{_quoted(cid)}"


# --------------------------------------------------------------------------- locating


def shipped_dir() -> Path:
    """The folder of the criteria sets shipped with the package (``scorer/data/criteria``)."""
    return Path(str(resources.files("scorer.data"))) / "criteria"


def shipped_names() -> list[str]:
    """Names of the shipped sets (file stems), sorted."""
    folder = shipped_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.iterdir() if p.suffix in _SUFFIXES and p.is_file())


def _is_bare_name(value: str) -> bool:
    return not any(sep in value for sep in ("/", "\\")) and not value.endswith(_SUFFIXES)


def resolve_criteria(name_or_path: str | os.PathLike, *, base: Path | None = None) -> Path:
    """Find the file of a criteria set.

    Parameters
    ----------
    name_or_path : str or path-like
        A path to a YAML file, or a bare name such as ``core`` or ``qingpu-lvrong-2022``.
    base : pathlib.Path, optional
        Folder of the file that names it (for ``extends``): a bare name is looked up
        there first, and a relative path is taken relative to it.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    CriteriaError
        When nothing matches; the message lists the shipped sets.
    """
    text = os.fspath(name_or_path)
    if _is_bare_name(text):
        folders = ([base] if base is not None else []) + [shipped_dir()]
        for folder in folders:
            for suffix in _SUFFIXES:
                candidate = folder / f"{text}{suffix}"
                if candidate.is_file():
                    return candidate
    else:
        candidate = Path(text)
        if base is not None and not candidate.is_absolute():
            candidate = base / candidate
        if candidate.is_file():
            return candidate
    if base is None and Path(text).is_file():
        return Path(text)
    raise CriteriaError(MESSAGES["no_file"].format(shipped="、".join(shipped_names()) or "无"), path=shown(text, 200).strip("'"))


def _display(path: Path) -> str:
    """The path as messages show it: relative to the working folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


# --------------------------------------------------------------------------- rows


@dataclass
class _Row:
    """A criterion being assembled: its values, and where each value was written."""

    values: dict[str, Any]
    path: str  # file that defines or overrides it
    line: int  # line of the item in that file
    lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    explicit_scoring: bool = False

    def where(self, name: str) -> tuple[str, int]:
        return self.lines.get(name, (self.path, self.line))


class _FileReader:
    """Structure checks of one file; raises at the first problem."""

    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display

    def fail(self, line: int | None, name: str | None, message: str) -> CriteriaError:
        return CriteriaError(message, path=self.display, line=line, field=name)

    def read(self) -> LineDict:
        try:
            size = self.path.stat().st_size
            if size > MAX_CRITERIA_BYTES:
                raise self.fail(None, None, MESSAGES["too_big"].format(size=size // 1024, limit=MAX_CRITERIA_BYTES // 1024))
            text = self.path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise self.fail(None, None, MESSAGES["not_utf8"]) from None
        except OSError as exc:
            raise self.fail(None, None, MESSAGES["unreadable"].format(reason=exc.strerror)) from None
        try:
            doc = parse_yaml(text)
        except YamlProblem as exc:
            key = None if exc.key is None else str(exc.key)
            raise self.fail(exc.line, key, exc.message) from None
        if not isinstance(doc, LineDict):
            raise self.fail(getattr(doc, "line", 1), None, MESSAGES["not_mapping"])
        self._check_keys(doc, SET_FIELDS, "指标体系")
        for name in ("id", "title"):
            if name not in doc:
                raise self.fail(1, name, MESSAGES["no_set_field"].format(name=name))
        set_id = doc["id"]
        for name, (kind, _) in SET_FIELDS.items():
            if name in doc:
                doc[name] = self._convert(doc, name, kind, owner=_owner_set(set_id))
        if "extends" not in doc:
            for name in ("drop", "parent_weight"):
                if name in doc:
                    raise self.fail(doc.line_of(name), name, MESSAGES["needs_extends"].format(name=name))
            if not doc.get("criteria"):
                raise self.fail(doc.line_of("criteria"), "criteria", MESSAGES["no_criteria"].format(set_id=set_id))
        if "repeat_threshold" in doc and not 0 < doc["repeat_threshold"] <= 1:
            raise self.fail(
                doc.line_of("repeat_threshold"),
                "repeat_threshold",
                f"指标体系“{set_id}”的repeat_threshold应为大于0、不大于1的数；现为{format_value(doc['repeat_threshold'])}",
            )
        if "parent_weight" in doc and not 0 < doc["parent_weight"] <= 100:
            raise self.fail(
                doc.line_of("parent_weight"), "parent_weight",
                MESSAGES["parent_weight"].format(set_id=set_id, got=shown(doc["parent_weight"])),
            )
        for i, item in enumerate(doc.get("criteria") or []):
            line = doc["criteria"].line_of(i)
            if not isinstance(item, LineDict):
                raise self.fail(line, "criteria", MESSAGES["item_not_mapping"].format(n=i + 1, got=shown(item)))
            if "id" not in item:
                raise self.fail(line, "id", MESSAGES["item_no_id"].format(n=i + 1))
            cid = item["id"]
            if not isinstance(cid, str):
                raise self.fail(item.line_of("id"), "id", MESSAGES["item_bad_id"].format(n=i + 1, got=shown(cid)))
            self._check_keys(item, CRITERION_FIELDS, _owner_item(cid))
            for name, (kind, _) in CRITERION_FIELDS.items():
                if name in item:
                    item[name] = self._convert(item, name, kind, owner=_owner_item(cid))
        return doc

    def _check_keys(self, mapping: LineDict, allowed: dict, owner: str) -> None:
        for key in mapping:
            if key in allowed:
                continue
            hint = difflib.get_close_matches(str(key), list(allowed), n=1)
            advice = (MESSAGES["did_you_mean"].format(hint=hint[0]) if hint
                      else MESSAGES["allowed"].format(allowed="、".join(allowed)))
            raise self.fail(mapping.line_of(key), shown(key).strip("'"),
                            MESSAGES["unknown_key"].format(owner=owner, key=shown(key), advice=advice))

    def _convert(self, mapping: LineDict, name: str, kind: str, owner: str) -> Any:
        """Check the type of ``mapping[name]`` and return it in canonical form."""
        value = mapping[name]
        line = mapping.line_of(name)

        def bad(got: Any = value) -> CriteriaError:
            return self.fail(line, name, MESSAGES["bad_type"].format(
                owner=owner, name=name, kind=_KIND_TEXT[kind], got=shown(got)))

        if value is None:
            if name in _REQUIRED or kind in ("set_id", "criterion_id", "list"):
                raise bad()
            return None  # optional value cleared (useful to undo an inherited one)
        if kind == "set_id":
            if not isinstance(value, str) or not _SET_ID.match(value):
                raise bad()
            return value
        if kind in ("text", "criterion_id"):
            if not isinstance(value, str):
                raise bad()
            value = value.strip()
            if name == "frequency" and value not in FREQUENCIES:
                raise self.fail(line, name, MESSAGES["bad_frequency"].format(
                    owner=owner, choices="、".join(FREQUENCIES), got=shown(value)))
            return value
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                isinstance(value, float) and not math.isfinite(value)
            ):
                raise bad()
            return float(value)
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise bad()
            return value  # the sign is the table contract's job (positive integer)
        if kind == "bool":
            if not isinstance(value, bool):
                raise bad()
            return value
        if kind == "year":
            if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
                raise bad()
            return value
        if kind == "date":
            if isinstance(value, dt.datetime):
                value = value.date()
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value.strip()).isoformat()
                except ValueError:
                    pass
            raise bad()
        if kind == "year_map":
            if not isinstance(value, dict) or not value:
                raise bad()
            pairs = []
            for year, fmt in value.items():
                fmt = str(fmt)
                if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100 \
                        or fmt not in ("2019", "2021"):
                    raise bad()
                pairs.append((year, fmt))
            return tuple(sorted(pairs))
        if kind == "deadline_map":
            if not isinstance(value, dict) or set(value) - {"department", "whole_government"}:
                raise bad()
            out = []
            for who, mmdd in sorted(value.items()):
                try:
                    dt.date.fromisoformat(f"2001-{str(mmdd).strip()}")
                except ValueError:
                    raise bad() from None
                out.append((who, str(mmdd).strip()))
            return tuple(out)
        if kind == "month_list":
            months = value if isinstance(value, list) else [value]
            if any(isinstance(m, bool) or not isinstance(m, int) for m in months):
                raise bad()
            return tuple(months)
        if kind in ("str_list", "id_list"):
            if not isinstance(value, list):
                raise bad()
            seen: dict[str, int] = {}
            for i, entry in enumerate(value):
                at = value.line_of(i) if isinstance(value, LineList) else line
                if not isinstance(entry, str) or not entry.strip():
                    raise self.fail(at, name, MESSAGES["bad_entry"].format(
                        owner=owner, name=name, kind=_KIND_TEXT[kind], n=i + 1, got=shown(entry)))
                entry = entry.strip()
                if name in ("keywords", "synonyms") and ("…" in entry or "..." in entry):
                    # imported here: scorer.evidence pulls in the assessors
                    from scorer.evidence.keywords import MAX_GAPS, term_gaps

                    if term_gaps(entry) > MAX_GAPS:
                        raise self.fail(at, name, MESSAGES["too_many_gaps"].format(
                            owner=owner, name=name, n=i + 1, got=shown(entry), gaps=term_gaps(entry),
                            limit=MAX_GAPS))
                if entry in seen:
                    raise self.fail(at, name, MESSAGES["twice"].format(
                        owner=owner, name=name, got=shown(entry), first=seen[entry]))
                seen[entry] = at
            if isinstance(value, LineList):
                if not hasattr(mapping, "item_lines"):
                    mapping.item_lines = {}
                mapping.item_lines[name] = list(value.item_lines)
            return tuple(e.strip() for e in value)
        if kind == "list":
            if not isinstance(value, list):
                raise bad()
            return value
        raise AssertionError(f"unknown field kind {kind}")  # pragma: no cover


# --------------------------------------------------------------------------- resolving


def _rows_of(cset: CriteriaSet, rows_cache: dict[str, list[_Row]]) -> list[_Row]:
    return [
        _Row(dict(r.values), r.path, r.line, dict(r.lines), r.explicit_scoring)
        for r in rows_cache[cset.path or cset.id]
    ]


def _load(path: Path, stack: tuple[Path, ...], cache: dict[str, list[_Row]]) -> CriteriaSet:
    display = _display(path)
    real = path.resolve()
    reader = _FileReader(path, display)
    doc = reader.read()
    set_id = doc["id"]

    rows: list[_Row] = []
    parent: CriteriaSet | None = None
    if "extends" in doc:
        line = doc.line_of("extends")
        try:
            parent_path = resolve_criteria(doc["extends"], base=path.parent)
        except CriteriaError:
            raise reader.fail(line, "extends", MESSAGES["bad_extends"].format(
                set_id=set_id, got=shown(doc["extends"]), shipped="、".join(shipped_names()))) from None
        chain = stack + (real,)
        if parent_path.resolve() in chain:
            names = [_display(p) for p in chain] + [_display(parent_path)]
            raise reader.fail(line, "extends", MESSAGES["cycle"].format(chain=" -> ".join(names)))
        parent = _load(parent_path, chain, cache)
        rows = _rows_of(parent, cache)

        dropped = doc.get("drop") or ()
        parent_ids = [r.values["id"] for r in rows]
        for i, cid in enumerate(dropped):
            if cid not in parent_ids:
                hint = difflib.get_close_matches(cid, parent_ids, n=1)
                raise reader.fail(doc.item_line("drop", i), "drop", MESSAGES["drop_unknown"].format(
                    set_id=set_id, cid=cid, parent=parent.id,
                    hint=MESSAGES["drop_hint"].format(hint=hint[0]) if hint else ""))
        rows = [r for r in rows if r.values["id"] not in dropped]

        if "parent_weight" in doc and rows:
            # Inherited items keep their proportions; the child's own weights come on top.
            total = sum(r.values["weight"] for r in rows)
            factor = doc["parent_weight"] / total
            for r in rows:
                r.values["weight"] = round(r.values["weight"] * factor, 4)

    inherited = {r.values["id"]: r for r in rows}
    overridden: set[str] = set()
    dropped_ids = set(doc.get("drop") or ())
    seen: dict[str, _Row] = {}
    for i, item in enumerate(doc.get("criteria") or []):
        cid = item["id"]
        item_line = doc["criteria"].line_of(i)
        given = {k: v for k, v in item.items() if k != "note"}
        lines = {k: (display, item.line_of(k)) for k in item}
        if cid in dropped_ids:
            raise reader.fail(item.line_of("id"), "id",
                              MESSAGES["dropped_and_redefined"].format(cid=cid, set_id=set_id))
        if cid in inherited and cid not in overridden and cid not in seen:
            row = inherited[cid]
            overridden.add(cid)
            row.path, row.line = display, item_line
            if "frequency" in given and "min_count" not in given:
                row.values["min_count"] = None  # re-derived from the new frequency
            row.values.update(given)
            row.lines.update(lines)
            if "scoring" in given:
                row.explicit_scoring = True
            elif "min_count" in given and row.values["scoring"] in ("presence", "count"):
                row.explicit_scoring = False  # re-derive: adding a minimum makes it a count
        else:
            if cid in seen or cid in overridden:
                # A repeated id: complete it from the first occurrence so that the
                # table contract reports exactly the duplicate.
                first = seen.get(cid) or inherited[cid]
                base = dict(first.values)
            else:
                missing = [k for k in _REQUIRED if k not in item]
                if missing:
                    raise reader.fail(item_line, missing[0], MESSAGES["missing_field"].format(
                        cid=cid, field=missing[0], why=MESSAGES["new_item"].format(parent=parent.id) if parent else ""))
                base = dict(_DEFAULTS)
            base.update(given)
            row = _Row(base, display, item_line, lines, explicit_scoring="scoring" in given)
            rows.append(row)
            seen.setdefault(cid, row)

    for row in rows:
        _finish(row)
    if quick_pass([r.values for r in rows]):
        problems = _rule_reuse(rows)
    else:  # pandera words what is wrong (imported only for a bad set)
        from scorer.criteria.schema import table_problems

        set_line = doc.line_of("criteria") if "criteria" in doc else 1
        problems = table_problems(
            _table(rows), rows, set_id=set_id, set_path=display, set_line=set_line
        ) or _rule_reuse(rows)
    if problems:
        raise _error(problems)

    criteria = tuple(_criterion(r) for r in rows)
    cset = CriteriaSet(
        id=set_id,
        title=doc["title"],
        criteria=criteria,
        source=doc.get("source"),
        report_year=doc.get("report_year", parent.report_year if parent else None),
        deadline=doc.get("deadline", parent.deadline if parent else None),
        path=display,
        extends=parent.id if parent else None,
        jurisdiction=tuple(doc.get("jurisdiction") or (parent.jurisdiction if parent else ())),
        table_formats=doc.get("table_formats") or (parent.table_formats if parent else ()),
        deadlines=doc.get("deadlines") or (parent.deadlines if parent else ()),
        repeat_threshold=doc.get("repeat_threshold", parent.repeat_threshold if parent else DEFAULT_REPEAT_THRESHOLD),
    )
    if set_id != "core" and not (cset.table_formats and cset.deadlines):
        # the statutory formats and deadlines are stated once, in core.yaml
        from dataclasses import replace

        core = load_criteria("core")
        cset = replace(cset, table_formats=cset.table_formats or core.table_formats,
                       deadlines=cset.deadlines or core.deadlines)
    cache[display] = rows
    return cset


def _finish(row: _Row) -> None:
    """Defaults that depend on other fields."""
    v = row.values
    if v.get("frequency") and v.get("min_count") is None:
        v["min_count"] = FREQUENCIES[v["frequency"]]
    if not row.explicit_scoring and v.get("scoring") in (None, "presence", "count"):
        v["scoring"] = "count" if v.get("min_count") is not None else "presence"
    if v["scoring"] == "timeliness" and not v.get("rules"):
        v["rules"] = ("P-late",)
    if v.get("classifier_label") is None and v["id"] in CLASSIFIER_LABELS:
        v["classifier_label"] = v["id"]
    for name in ("keywords", "synonyms", "exclude", "context", "sections", "rules", "months"):
        if v.get(name) is None:
            v[name] = ()
    for name, default in (("deduction", 0.5), ("partial_credit", 0.5), ("checkable", True),
                          ("category", ""), ("clause", "")):
        if v.get(name) is None:
            v[name] = default


def _table(rows: list[_Row]) -> Any:
    import pandas as pd

    def ints(name: str) -> Any:
        return pd.array([r.values.get(name) for r in rows], dtype="Int64")

    return pd.DataFrame(
        {
            "id": pd.Series([r.values["id"] for r in rows], dtype=object),
            "title": pd.Series([r.values["title"] for r in rows], dtype=object),
            "weight": pd.Series([float(r.values["weight"]) for r in rows], dtype="float64"),
            "scoring": pd.Series([r.values["scoring"] for r in rows], dtype=object),
            "min_count": ints("min_count"),
            "within_days": ints("within_days"),
            "months": pd.Series([tuple(r.values["months"]) for r in rows], dtype=object),
            "sections": pd.Series([tuple(r.values["sections"]) for r in rows], dtype=object),
            "rules": pd.Series([tuple(r.values["rules"]) for r in rows], dtype=object),
            "classifier_label": pd.Series(
                [r.values.get("classifier_label") for r in rows], dtype=object
            ),
            "deduction": pd.Series([float(r.values["deduction"]) for r in rows], dtype="float64"),
            "partial_credit": pd.Series(
                [float(r.values["partial_credit"]) for r in rows], dtype="float64"
            ),
            "n_keywords": pd.Series(
                [len(r.values["keywords"]) + len(r.values["synonyms"]) for r in rows],
                dtype="int64",
            ),
            "checkable": pd.Series([bool(r.values["checkable"]) for r in rows], dtype=bool),
        }
    )


def _rule_reuse(rows: list[_Row]) -> list[Problem]:
    """A finding must cost points once: each rule id belongs to one criterion."""
    owner: dict[str, _Row] = {}
    for row in rows:
        for rule in row.values["rules"]:
            if rule in owner:
                first = owner[rule]
                path, line = row.where("rules")
                return [Problem(path, line, "rules", MESSAGES["rule_reuse"].format(
                    cid=row.values["id"], rule=rule, first=first.values["id"], line=first.where("rules")[1]))]
            owner[rule] = row
    return []


def _error(problems: list[Problem]) -> CriteriaError:
    first = problems[0]
    more = len(problems) - 1
    message = first.message
    if more:
        message += MESSAGES["more"].format(n=more)
    return CriteriaError(message, path=first.path, line=first.line, field=first.field)


def _criterion(row: _Row) -> Criterion:
    v = row.values
    return Criterion(
        id=v["id"],
        title=v["title"],
        weight=float(v["weight"]),
        scoring=v["scoring"],
        category=v["category"],
        clause=v["clause"],
        keywords=tuple(v["keywords"]),
        synonyms=tuple(v["synonyms"]),
        exclude=tuple(v["exclude"]),
        context=tuple(v["context"]),
        min_count=v.get("min_count"),
        months=tuple(sorted(set(v["months"]))),
        within_days=v.get("within_days"),
        sections=tuple(v["sections"]),
        classifier_label=v.get("classifier_label"),
        rules=tuple(v["rules"]),
        deduction=float(v["deduction"]),
        checkable=bool(v["checkable"]),
        partial_credit=float(v["partial_credit"]),
        source_line=row.line,
        frequency=v.get("frequency"),
    )


# --------------------------------------------------------------------------- public


def load_criteria(name_or_path: str | os.PathLike) -> CriteriaSet:
    """Load, resolve and validate a criteria set.

    Parameters
    ----------
    name_or_path : str or path-like
        A shipped set name (``"core"``, ``"qingpu-lvrong-2022"``; see
        :func:`list_criteria`) or the path of a YAML file.

    Returns
    -------
    scorer.model.CriteriaSet
        Criteria in file order: inherited ones first (overrides in place), then the
        set's own new items.

    Raises
    ------
    scorer.errors.CriteriaError
        With file, line and field, e.g. ``criteria/core.yaml 第12行：指标“open_day”的
        “weight”必须是(0, 100]之间的数，实际为-3``.

    Examples
    --------
    >>> cs = load_criteria("core")
    >>> cs.total_weight
    100.0
    """
    path = resolve_criteria(name_or_path)
    try:
        st = os.stat(path)
    except OSError:
        return _load(path, (), {})
    # a set is read once per process while its file is unchanged: batches, families
    # by year and the statutory facts of core would otherwise parse YAML per document
    return _load_unchanged(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _load_unchanged(path: str, mtime_ns: int, size: int) -> CriteriaSet:
    return _load(Path(path), (), {})


@lru_cache(maxsize=1)
def _shipped_cached(stamp: tuple) -> tuple[CriteriaSet, ...]:
    return tuple(load_criteria(shipped_dir() / f"{name}.yaml") for name, _ in stamp)


def list_criteria() -> list[CriteriaSet]:
    """Every shipped criteria set, loaded and validated, sorted by name.

    Returns
    -------
    list of scorer.model.CriteriaSet
    """
    folder = shipped_dir()
    stamp = tuple(
        (name, (folder / f"{name}.yaml").stat().st_mtime_ns)
        for name in shipped_names()
        if (folder / f"{name}.yaml").is_file()
    )
    return list(_shipped_cached(stamp))
