"""YAML reading that remembers line numbers and refuses duplicate keys.

PyYAML's safe loader silently keeps the last of two equal keys and forgets where a
value came from. Criteria files are edited by hand by evaluators, so every error must
point at a line: mappings and sequences are built as :class:`LineDict` and
:class:`LineList`, which carry the line of the node and of each key / item.
"""
from __future__ import annotations

from typing import Any

import yaml

from scorer.errors import shown

__all__ = ["LineDict", "LineList", "YamlProblem", "parse_yaml", "MAX_NODES", "MAX_DEPTH", "MAX_INT_DIGITS"]

#: Bounds on what a criteria file may expand to. A real set has a few thousand nodes
#: and a depth of 5; aliases are counted as expanded, so a "billion laughs" document
#: (a few hundred bytes that expand to 10⁹ strings) is refused before it is built.
MAX_NODES = 200_000
MAX_DEPTH = 40
#: Longest integer literal: weights and years have a few digits; Python refuses to
#: convert more than 4,300 digits at all.
MAX_INT_DIGITS = 30

#: Every message this module raises: what is wrong, then what to do.
MESSAGES: dict[str, str] = {
    "key_not_plain": "映射的键必须是简单的值（文本或数字），请检查这一行",
    "duplicate_key": "键{key}重复（首次在第{first}行），请删除其中一个",
    "long_int": "整数有{digits}位，超出合理范围（最多{limit}位），请填写正确的数值",
    "too_deep": "嵌套超过{limit}层，请检查缩进或括号",
    "too_many_nodes": "展开后超过{limit}个值（可能是别名炸弹），请不要用锚点和别名反复引用",
    "syntax_line": "YAML格式错误（{problem}），请检查这一行的缩进、冒号和引号",
    "syntax": "YAML格式错误（{problem}），请检查文件的缩进、冒号和引号",
}


class YamlProblem(Exception):
    """A YAML text that cannot be read; ``line`` is 1-based (None if unknown)."""

    def __init__(self, message: str, line: int | None = None, key: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.key = key


class LineDict(dict):
    """A mapping with ``line`` (of the mapping) and ``key_lines`` (key -> line)."""

    line: int = 0
    key_lines: dict[Any, int]
    #: For list values converted to tuples by the loader: key -> line of each item.
    item_lines: dict[Any, list[int]]

    def line_of(self, key: Any) -> int:
        """The line of ``key`` when present, else the line of the mapping itself."""
        return self.key_lines.get(key, self.line)

    def item_line(self, key: Any, index: int) -> int:
        """The line of item ``index`` of the list under ``key`` (else the key's line)."""
        lines = getattr(self, "item_lines", {}).get(key, [])
        return lines[index] if 0 <= index < len(lines) else self.line_of(key)


class LineList(list):
    """A sequence with ``line`` (of the sequence) and ``item_lines`` (one per item)."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences keep their line numbers."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)  # resolves YAML merge keys (<<) first
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise YamlProblem(MESSAGES["key_not_plain"], key_node.start_mark.line + 1)
        line = key_node.start_mark.line + 1
        if key in result:
            first = result.key_lines[key]
            raise YamlProblem(MESSAGES["duplicate_key"].format(key=shown(key), first=first), line, key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    digits = len(node.value.lstrip("+-").replace("_", ""))
    if digits > MAX_INT_DIGITS:
        raise YamlProblem(MESSAGES["long_int"].format(digits=digits, limit=MAX_INT_DIGITS), node.start_mark.line + 1)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


def _check_size(root: yaml.Node) -> None:
    """Refuse a node graph deeper than MAX_DEPTH or larger than MAX_NODES once aliases
    are expanded. Iterative, with the expanded size of each shared node computed once."""
    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        if depth > MAX_DEPTH:
            raise YamlProblem(MESSAGES["too_deep"].format(limit=MAX_DEPTH), node.start_mark.line + 1)
        children = _children(node)
        if done:
            total = 1 + sum(size[id(c)] for c in children)
            if total > MAX_NODES:
                raise YamlProblem(MESSAGES["too_many_nodes"].format(limit=MAX_NODES), node.start_mark.line + 1)
            size[id(node)] = total
            continue
        if id(node) in size:
            continue
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


# Dates stay text: the loader checks them itself, with the line, instead of PyYAML
# raising a bare ValueError for 2023-02-30.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def parse_yaml(text: str) -> Any:
    """Parse one YAML document into plain values, :class:`LineDict` and :class:`LineList`.

    Parameters
    ----------
    text : str
        The YAML text.

    Returns
    -------
    Any
        The document (None for an empty one).

    Raises
    ------
    YamlProblem
        On a syntax error or a duplicate key, with the 1-based line.
    """
    loader = _Loader(text)  # a SafeLoader subclass
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_size(node)
        return loader.construct_document(node)
    except YamlProblem:
        raise
    except RecursionError:
        raise YamlProblem(MESSAGES["too_deep"].format(limit=MAX_DEPTH)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(MESSAGES["syntax_line"].format(problem=shown(problem, 80)[1:-1]),
                          mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(MESSAGES["syntax"].format(problem=shown(str(exc), 80)[1:-1])) from None
    finally:
        loader.dispose()
