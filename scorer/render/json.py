"""The JSON result: exactly ``Result.to_dict()`` (design.md §4), byte-stable.

No timestamp is added, so a rerun on the same input gives the same bytes.
"""
from __future__ import annotations

import json

from scorer.render.common import ResultLike, as_dict

__all__ = ["render_json"]


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
    return json.dumps(as_dict(result), ensure_ascii=False, sort_keys=True, indent=2) + "\n"
