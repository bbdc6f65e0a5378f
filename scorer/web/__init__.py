"""The self-check web page (``xxgk serve``): FastAPI served by uvicorn, Jinja2 pages,
no JavaScript. See :func:`scorer.web.app.create_app`."""
from __future__ import annotations

from scorer.web.app import SECURITY_HEADERS, WebConfig, create_app

__all__ = ["create_app", "WebConfig", "SECURITY_HEADERS"]
