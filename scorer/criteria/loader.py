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
from scorer.errors import CriteriaError
from scorer.model import DEFAULT_REPEAT_THRESHOLD, CriteriaSet, Criterion

__all__ = ["load_criteria", "list_criteria", "shipped_dir", "shipped_names", "resolve_criteria"]

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
    "set_id": "lower-case ASCII words joined by '-' (e.g. qingpu-lvrong-2022)",
    "criterion_id": "a text id such as open_day",
    "text": "a text",
    "number": "a number",
    "int": "a positive integer",
    "bool": "true or false",
    "str_list": "a list of non-empty texts, e.g. [列席, 公众代表]",
    "id_list": "a list of criterion ids, e.g. [press_conference]",
    "month_list": "a month 1–12 or a list of months, e.g. [6, 7]",
    "year": "a year such as 2022",
    "date": "a date YYYY-MM-DD",
    "year_map": "a mapping of report years to table formats, e.g. {2019: '2019', 2021: '2021'}",
    "deadline_map": "a mapping {department: 'MM-DD', whole_government: 'MM-DD'}",
    "list": "a list of criteria (mappings)",
}


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
    raise CriteriaError(
        "no such criteria file, and no shipped set of that name (shipped: "
        f"{', '.join(shipped_names()) or 'none'}).",
        path=text,
    )


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
            text = self.path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise self.fail(None, None, "criteria files must be UTF-8 text.") from None
        except OSError as exc:
            raise self.fail(None, None, f"cannot read the file ({exc.strerror}).") from None
        try:
            doc = parse_yaml(text)
        except YamlProblem as exc:
            key = None if exc.key is None else str(exc.key)
            raise self.fail(exc.line, key, exc.message + ".") from None
        if not isinstance(doc, LineDict):
            raise self.fail(
                getattr(doc, "line", 1),
                None,
                "a criteria file must be a YAML mapping with at least 'id', 'title' and "
                "'criteria' (see criteria/README.md).",
            )
        self._check_keys(doc, SET_FIELDS, "set")
        for name in ("id", "title"):
            if name not in doc:
                raise self.fail(1, name, f"the set has no '{name}'; add '{name}:' at the top.")
        set_id = doc["id"]
        for name, (kind, _) in SET_FIELDS.items():
            if name in doc:
                doc[name] = self._convert(doc, name, kind, owner=f"set '{set_id}'")
        if "extends" not in doc:
            for name in ("drop", "parent_weight"):
                if name in doc:
                    raise self.fail(
                        doc.line_of(name), name, f"'{name}' only makes sense with 'extends'."
                    )
            if not doc.get("criteria"):
                raise self.fail(
                    doc.line_of("criteria"),
                    "criteria",
                    f"set '{set_id}' has no criteria; list them under 'criteria:' or "
                    "inherit them with 'extends: core'.",
                )
        if "repeat_threshold" in doc and not 0 < doc["repeat_threshold"] <= 1:
            raise self.fail(
                doc.line_of("repeat_threshold"),
                "repeat_threshold",
                f"'repeat_threshold' of set '{set_id}' must be a number in (0, 1]; got "
                f"{format_value(doc['repeat_threshold'])}.",
            )
        if "parent_weight" in doc and not 0 < doc["parent_weight"] <= 100:
            raise self.fail(
                doc.line_of("parent_weight"),
                "parent_weight",
                f"'parent_weight' of set '{set_id}' must be a number in (0, 100]; got "
                f"{format_value(doc['parent_weight'])}.",
            )
        for i, item in enumerate(doc.get("criteria") or []):
            line = doc["criteria"].line_of(i)
            if not isinstance(item, LineDict):
                raise self.fail(
                    line, "criteria", f"item {i + 1} of 'criteria' must be a mapping with 'id', "
                    f"'title', 'weight', …; got {format_value(item)}."
                )
            if "id" not in item:
                raise self.fail(line, "id", f"item {i + 1} of 'criteria' has no 'id'.")
            cid = item["id"]
            if not isinstance(cid, str):
                raise self.fail(
                    item.line_of("id"), "id",
                    f"'id' of item {i + 1} must be a text id such as open_day; got "
                    f"{format_value(cid)}.",
                )
            self._check_keys(item, CRITERION_FIELDS, f"criterion '{cid}'")
            for name, (kind, _) in CRITERION_FIELDS.items():
                if name in item:
                    item[name] = self._convert(item, name, kind, owner=f"'{cid}'")
        return doc

    def _check_keys(self, mapping: LineDict, allowed: dict, owner: str) -> None:
        for key in mapping:
            if key in allowed:
                continue
            hint = difflib.get_close_matches(str(key), list(allowed), n=1)
            advice = (
                f"; did you mean '{hint[0]}'?" if hint else f". Allowed: {', '.join(allowed)}."
            )
            raise self.fail(
                mapping.line_of(key), str(key), f"unknown key {format_value(key)} in {owner}{advice}"
            )

    def _convert(self, mapping: LineDict, name: str, kind: str, owner: str) -> Any:
        """Check the type of ``mapping[name]`` and return it in canonical form."""
        value = mapping[name]
        line = mapping.line_of(name)

        def bad(got: Any = value) -> CriteriaError:
            return self.fail(
                line, name, f"'{name}' of {owner} must be {_KIND_TEXT[kind]}; got "
                f"{'null' if got is None else format_value(got)}."
            )

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
                raise self.fail(
                    line, name, f"'frequency' of {owner} must be one of "
                    f"{', '.join(FREQUENCIES)}; got {format_value(value)}."
                )
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
                    raise self.fail(
                        at, name, f"'{name}' of {owner} must be {_KIND_TEXT[kind]}; entry "
                        f"{i + 1} is {'null' if entry is None else format_value(entry)}."
                    )
                entry = entry.strip()
                if entry in seen:
                    raise self.fail(
                        at, name, f"'{name}' of {owner} lists {format_value(entry)} twice "
                        f"(first at line {seen[entry]})."
                    )
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
            raise reader.fail(
                line, "extends",
                f"'extends' of set '{set_id}' names {doc['extends']!r}, which is neither a "
                f"file next to this one nor a shipped set ({', '.join(shipped_names())}).",
            ) from None
        chain = stack + (real,)
        if parent_path.resolve() in chain:
            names = [_display(p) for p in chain] + [_display(parent_path)]
            raise reader.fail(line, "extends", "extends cycle: " + " -> ".join(names) + ".")
        parent = _load(parent_path, chain, cache)
        rows = _rows_of(parent, cache)

        dropped = doc.get("drop") or ()
        parent_ids = [r.values["id"] for r in rows]
        for i, cid in enumerate(dropped):
            if cid not in parent_ids:
                hint = difflib.get_close_matches(cid, parent_ids, n=1)
                raise reader.fail(
                    doc.item_line("drop", i), "drop",
                    f"'drop' of set '{set_id}' names '{cid}', which set '{parent.id}' does "
                    f"not have" + (f"; did you mean '{hint[0]}'?" if hint else "."),
                )
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
            raise reader.fail(
                item.line_of("id"), "id",
                f"criterion '{cid}' is both dropped and redefined in set '{set_id}'.",
            )
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
                    raise reader.fail(
                        item_line, missing[0],
                        f"criterion '{cid}' is missing '{missing[0]}'"
                        + (f" (it is not in set '{parent.id}', so it is a new item)"
                           if parent else "") + ".",
                    )
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
    for name in ("keywords", "synonyms", "exclude", "sections", "rules", "months"):
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
                return [
                    Problem(
                        path, line, "rules",
                        f"rule '{rule}' of '{row.values['id']}' is already scored by "
                        f"'{first.values['id']}' (line {first.where('rules')[1]}); a finding "
                        "must cost points once.",
                    )
                ]
            owner[rule] = row
    return []


def _error(problems: list[Problem]) -> CriteriaError:
    first = problems[0]
    more = len(problems) - 1
    message = first.message
    if more:
        message += f" ({more} more problem{'s' if more > 1 else ''} after this one)"
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
        With file, line and field, e.g. ``criteria/core.yaml line 12: 'weight' of
        'open_day' must be a number in (0, 100]; got -3.``

    Examples
    --------
    >>> cs = load_criteria("core")
    >>> cs.total_weight
    100.0
    """
    path = resolve_criteria(name_or_path)
    return _load(path, (), {})


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
