"""Imported once by the forkserver that job processes are forked from: loading the
libraries and models here means every job starts warm."""
from __future__ import annotations

try:
    from scorer.web.worker import warm_up

    warm_up()
except Exception:  # never take the forkserver down; a job then loads what it needs itself
    pass
