"""``xxgk serve``: the self-check web page for agencies (see :mod:`scorer.web`)."""
from __future__ import annotations

import click

from scorer.cli.group import cli


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default is this computer only).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port.")
@click.option("--max-upload-mb", type=click.FloatRange(min=0.01), default=20.0, show_default=True,
              help="Largest upload accepted, in MB.")
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds allowed to score one upload; a slower one is stopped.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Uploads scored at once (default: the number of cores, at most 4).")
@click.option("--max-results", type=click.IntRange(min=1), default=200, show_default=True,
              help="Results kept in memory; the oldest are dropped first.")
@click.option("--keep-uploads", is_flag=True,
              help="Keep uploaded files in the upload folder (default: deleted once scored).")
@click.option("--upload-dir", type=click.Path(file_okay=False, path_type=str),
              help="Folder for uploads while they are scored (default: a new temporary folder).")
def serve(host, port, max_upload_mb, timeout, workers, max_results, keep_uploads, upload_dir) -> None:
    """Start the self-check web page: agencies upload a draft report and see what to fix.

    Open http://127.0.0.1:8000/ in a browser. The page scores uploads with the same
    library call as `xxgk check`, shows the problems most costly first with the
    report's text highlighted, and offers the memo (Word/HTML) and score sheet
    (Excel) for download. Stop it with Ctrl+C.

    \b
    Example:
      xxgk serve
      xxgk serve --host 0.0.0.0 --port 8080 --max-upload-mb 10
    """
    import uvicorn

    from scorer.web import WebConfig, create_app

    kw = {"workers": workers} if workers else {}
    cfg = WebConfig(max_upload_bytes=int(max_upload_mb * 1024 * 1024), timeout=timeout, max_results=max_results,
                    keep_uploads=keep_uploads, upload_dir=upload_dir, **kw)
    app = create_app(cfg)
    click.echo(f"自查页面：http://{host}:{port}/ （按 Ctrl+C 停止）", err=True)
    if keep_uploads:
        click.echo(f"上传的文件保留在：{app.state.upload_dir}", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False)
