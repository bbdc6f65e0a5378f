"""The self-check web page: upload a draft report, see what to fix, download the memo.

One page in Chinese, rendered on the server (no JavaScript). Every upload goes
through the same library call as ``xxgk check`` (:func:`scorer.pipeline.run`, in
:mod:`scorer.web.worker`), in a worker process with a time limit; the page adds no
scoring of its own.

Safe by default: an upload size limit, a processing time limit, uploads deleted once
scored, results reachable only by an unguessable link, every text from a report
escaped, and a restrictive Content-Security-Policy.
"""
from __future__ import annotations

import datetime as _dt
import logging
import os
import re
import secrets
import shutil
import tempfile
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException

from scorer.words import SEVERITY_LABELS
from scorer.web import messages as M
from scorer.web.compare import compare_results
from scorer.web.runner import CRASH, TIMEOUT, Runner
from scorer.web.store import ResultStore
from scorer.web.worker import AUTO, Job, render_download, score_job

__all__ = ["WebConfig", "create_app", "SECURITY_HEADERS"]

log = logging.getLogger("scorer.web")

#: Sent with every response. No script may run at all; styles only from our own file.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # result links are secrets: never leak them
    "Cache-Control": "no-store",
}

#: Uploads scored at once by default: one per core, at most 4 (each job takes a core).
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))

#: Room for the form's other fields and the multipart framing around the file.
_FORM_SLACK = 64 * 1024
_CHUNK = 1024 * 1024
_ALLOWED_SUFFIXES = (".txt", ".md", ".markdown", ".htm", ".html", ".docx", ".pdf")

#: (name, download file name, MIME type)
DOWNLOADS: dict[str, tuple[str, str, str]] = {
    "memo.docx": ("docx", "评估意见.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "memo.html": ("html", "评估意见.html", "text/html; charset=utf-8"),
    "scores.xlsx": ("xlsx", "得分表.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@dataclass(frozen=True)
class WebConfig:
    """How the server behaves; every limit has a safe default.

    ``upload_dir`` None means a fresh temporary folder, removed at shutdown unless
    ``keep_uploads``.
    """

    max_upload_bytes: int = 20 * 1024 * 1024
    timeout: float = 60.0
    workers: int = DEFAULT_WORKERS
    max_results: int = 200
    keep_uploads: bool = False
    upload_dir: str | None = None
    warm_start: bool = True


class _BodyTooLarge(Exception):
    pass


def _headers(resp: Response) -> Response:
    for k, v in SECURITY_HEADERS.items():
        resp.headers.setdefault(k, v)
    return resp


class _Guard:
    """Pure ASGI middleware: security headers on every response, and the request
    body cut off once it passes the upload limit (before it is all read)."""

    def __init__(self, app, limit: int, too_large) -> None:
        self.app = app
        self.limit = limit
        self.too_large = too_large

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
                         if k.lower().encode() not in have]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            resp = self.too_large()
            return await resp(scope, receive, send_with_headers)
        seen = 0

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge()
            return message

        return await self.app(scope, counted_receive, send_with_headers)


def _safe_name(filename: str | None) -> str:
    """The upload's base name, without folders or control characters, at most 100 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip() or "upload"
    return name[-100:]


def _check_date(value: str) -> tuple[str | None, str | None]:
    """(ISO date, None) or (None, Chinese message) for the optional publication date."""
    value = (value or "").strip()
    if not value:
        return None, None
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", value)
    try:
        if not m:
            raise ValueError
        d = _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None, M.BAD_DATE.format(value=value[:40])
    if not (2008 <= d.year <= _dt.date.today().year + 1):
        return None, M.DATE_RANGE.format(value=value[:40])
    return d.isoformat(), None


def create_app(config: WebConfig | None = None) -> FastAPI:
    """The web application (serve it with uvicorn; see ``xxgk serve``).

    Parameters
    ----------
    config : WebConfig, optional
        Limits and folders; defaults are safe for a shared machine.

    Returns
    -------
    fastapi.FastAPI
    """
    cfg = config or WebConfig()
    from scorer.criteria import list_criteria

    sets = [(cs.id, cs.title, cs.report_year) for cs in list_criteria()]
    set_ids = {s[0] for s in sets}
    upload_dir = Path(cfg.upload_dir) if cfg.upload_dir else Path(tempfile.mkdtemp(prefix="xxgk-uploads-"))
    upload_dir.mkdir(parents=True, exist_ok=True)
    runner = Runner(cfg.workers, cfg.timeout, preload=["scorer.web._preload"])
    store = ResultStore(cfg.max_results)
    env = Environment(loader=PackageLoader("scorer.web", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    limit_text = M.size_text(cfg.max_upload_bytes)

    def page(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(limit_text=limit_text, timeout=int(cfg.timeout),
                                             keep_uploads=cfg.keep_uploads, severity_labels=SEVERITY_LABELS, **ctx)
        return _headers(HTMLResponse(html, status_code=status))

    def index_page(status: int = 200, error: str | None = None, form: dict | None = None,
                   previous: str | None = None) -> HTMLResponse:
        return page("index.html.j2", status, sets=sets, auto=AUTO, error=error, form=form or {},
                    previous=previous, accept=",".join(_ALLOWED_SUFFIXES))

    def error_page(status: int, headline: str, advice: str = "", detail: str | None = None) -> HTMLResponse:
        return page("error.html.j2", status, headline=headline, advice=advice, detail=detail)

    def too_large() -> HTMLResponse:
        return error_page(413, M.TOO_LARGE.format(limit=limit_text))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if cfg.warm_start:
            import asyncio

            await asyncio.get_running_loop().run_in_executor(None, runner.start)
        try:
            yield
        finally:
            runner.close()
            if not cfg.keep_uploads and not cfg.upload_dir:
                shutil.rmtree(upload_dir, ignore_errors=True)

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.config = cfg
    app.state.store = store
    app.state.upload_dir = upload_dir
    app.mount("/static", StaticFiles(packages=[("scorer.web", "static")]), name="static")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            return error_page(404, M.NOT_FOUND)
        if exc.status_code == 405:
            return error_page(405, M.BAD_METHOD)
        return error_page(exc.status_code, M.BAD_REQUEST)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        return error_page(400, M.BAD_FORM)

    @app.exception_handler(_BodyTooLarge)
    async def body_too_large(request: Request, exc: _BodyTooLarge):
        return too_large()

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return error_page(500, M.CRASH)

    @app.get("/favicon.ico")
    async def favicon():
        return _headers(Response(status_code=204))  # no icon; answered so browsers log no error

    @app.get("/", response_class=HTMLResponse)
    async def index(request: Request):
        prev = request.query_params.get("previous")
        return index_page(previous=prev if store.get(prev) else None)

    @app.post("/check")
    async def check(request: Request):
        try:
            form = await request.form(max_files=1, max_fields=10)
        except _BodyTooLarge:
            return too_large()
        upload = form.get("file")
        criteria = str(form.get("criteria") or AUTO)
        date_raw = str(form.get("published_on") or "")
        previous = str(form.get("previous") or "") or None
        prev_entry = store.get(previous)
        kept = {"criteria": criteria, "published_on": date_raw[:40]}
        if upload is None or isinstance(upload, str) or not upload.filename:
            return index_page(400, M.NO_FILE, kept, prev_entry and prev_entry.id)
        published_on, date_error = _check_date(date_raw)
        if date_error:
            return index_page(400, date_error, kept, prev_entry and prev_entry.id)
        if criteria != AUTO and criteria not in set_ids:
            return index_page(400, M.BAD_CRITERIA.format(value=criteria[:40]), kept, prev_entry and prev_entry.id)
        name = _safe_name(upload.filename)
        suffix = Path(name).suffix.lower()
        saved = upload_dir / (secrets.token_hex(16) + (suffix if suffix in _ALLOWED_SUFFIXES else ".bin"))
        try:
            size = 0
            with open(saved, "wb") as fh:
                while chunk := await upload.read(_CHUNK):
                    size += len(chunk)
                    if size > cfg.max_upload_bytes:
                        saved.unlink(missing_ok=True)  # never keep part of a file
                        return too_large()
                    fh.write(chunk)
            await upload.close()
            status, payload = await runner.run(score_job, Job(str(saved), name, criteria, published_on))
        finally:
            if not cfg.keep_uploads:
                saved.unlink(missing_ok=True)
            elif saved.exists():
                log.info("kept upload %r as %s", name, saved)
        if status == TIMEOUT:
            return error_page(504, M.TIMEOUT.format(seconds=int(cfg.timeout)))
        if status == CRASH:
            return error_page(500, M.CRASH)
        if status == "error":
            cls, line = payload
            headline, advice = M.error_message(cls)
            return error_page(422, headline, advice, line)
        changes = compare_results(prev_entry.outcome["result"], payload["result"]) if prev_entry else None
        entry = store.add(payload, previous=prev_entry.id if prev_entry else None, changes=changes,
                          previous_missing=bool(previous) and prev_entry is None)
        return _headers(RedirectResponse(f"/r/{entry.id}", status_code=303))

    @app.get("/r/{entry_id}", response_class=HTMLResponse)
    async def result(entry_id: str):
        entry = store.get(entry_id)
        if entry is None:
            return error_page(404, M.NOT_FOUND)
        o = entry.outcome
        return page("result.html.j2", e=entry, o=o, c=o["context"], ch=entry.changes, sets=sets, auto=AUTO,
                    downloads=DOWNLOADS, accept=",".join(_ALLOWED_SUFFIXES))

    @app.get("/r/{entry_id}/{what}")
    async def download(entry_id: str, what: str):
        entry = store.get(entry_id)
        if entry is None or what not in DOWNLOADS:
            return error_page(404, M.NOT_FOUND)
        fmt, filename, mime = DOWNLOADS[what]
        data = entry.downloads.get(fmt)
        if data is None:  # rendered on first request, in a worker like the scoring
            status, payload = await runner.run(render_download, (entry.outcome["result_obj"], fmt))
            if status != "ok":
                return error_page(504 if status == TIMEOUT else 500,
                                  M.TIMEOUT.format(seconds=int(cfg.timeout)) if status == TIMEOUT else M.CRASH)
            data = entry.downloads[fmt] = payload
        resp = Response(data, media_type=mime, headers={
            "Content-Disposition": f"attachment; filename=\"{what}\"; filename*=UTF-8''{quote(filename)}"})
        return _headers(resp)

    app.add_middleware(_Guard, limit=cfg.max_upload_bytes + _FORM_SLACK, too_large=too_large)
    return app
