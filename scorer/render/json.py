"""The JSON result: exactly ``Result.to_dict()`` (design.md §4), byte-stable.

No timestamp is added, so a rerun on the same input gives the same bytes.
"""
from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

from scorer.render.common import ResultLike, as_dict

__all__ = ["render_json", "dumps"]

_INF = float("inf")


class _Unsupported(Exception):
    """A value the fast path does not handle (json.dumps decides instead)."""


def dumps(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2)``, same bytes.

    The standard library encodes indented JSON with a pure-Python generator, a
    noticeable share of a batch's time per document; this writes the same text
    with one recursive function (tests compare the two on generated values). Values
    other than dict (with str keys), list, tuple, str, int, float, bool and None go
    to ``json.dumps`` itself.
    """
    out: list[str] = []
    try:
        _encode(obj, "\n", out)
    except _Unsupported:
        return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2)
    return "".join(out)


def _encode(o: Any, nl: str, out: list[str]) -> None:
    # ``nl`` is a newline plus the current indentation
    t = type(o)
    if t is str:
        out.append(encode_basestring(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif t is int:
        out.append(int.__repr__(o))
    elif t is float:
        if o != o:
            out.append("NaN")
        elif o == _INF:
            out.append("Infinity")
        elif o == -_INF:
            out.append("-Infinity")
        else:
            out.append(float.__repr__(o))
    elif t is dict:
        if not o:
            out.append("{}")
            return
        if any(type(k) is not str for k in o):
            raise _Unsupported
        inner = nl + "  "
        sep = "{" + inner
        for k in sorted(o):
            out.append(sep)
            out.append(encode_basestring(k))
            out.append(": ")
            _encode(o[k], inner, out)
            sep = "," + inner
        out.append(nl + "}")
    elif t is list or t is tuple:
        if not o:
            out.append("[]")
            return
        inner = nl + "  "
        sep = "[" + inner
        for v in o:
            out.append(sep)
            _encode(v, inner, out)
            sep = "," + inner
        out.append(nl + "]")
    else:
        raise _Unsupported


def render_json(result: ResultLike) -> str:
    """Serialise a result as sorted, indented UTF-8 JSON ending with a newline.

    Parameters
    ----------
    result : Result or dict
        A scored document.

    Returns
    -------
    str
        ``json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True, indent=2) + "\\n"``.
    """
    return dumps(as_dict(result)) + "\n"
