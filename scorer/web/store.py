"""Results kept in memory, reachable only by an unguessable id, at most ``cap`` of them
(the oldest go first)."""
from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Entry", "ResultStore", "ID_PATTERN"]

#: What an id looks like (secrets.token_urlsafe(24): 32 URL-safe characters).
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass
class Entry:
    """One scored upload: the worker's outcome plus, for a second draft, the changes
    from the previous one."""

    id: str
    outcome: dict[str, Any]
    previous: str | None = None
    changes: dict[str, Any] | None = None
    downloads: dict[str, bytes] = field(default_factory=dict)  # rendered on first request
    previous_missing: bool = False  # a previous draft was named but is gone (expired or wrong link)
    created: float = field(default_factory=time.time)


class ResultStore:
    """A capped, thread-safe map from random ids to entries."""

    def __init__(self, cap: int) -> None:
        self.cap = max(1, cap)
        self._items: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, outcome: dict[str, Any], **kw: Any) -> Entry:
        entry = Entry(id=secrets.token_urlsafe(24), outcome=outcome, **kw)
        with self._lock:
            self._items[entry.id] = entry
            while len(self._items) > self.cap:
                self._items.popitem(last=False)
        return entry

    def get(self, entry_id: str | None) -> Entry | None:
        if not entry_id or not ID_PATTERN.match(entry_id):
            return None
        with self._lock:
            return self._items.get(entry_id)

    def __len__(self) -> int:
        return len(self._items)
