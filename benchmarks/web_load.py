"""Load test of the self-check web page on loopback: N concurrent uploads of corpus reports.

Starts ``xxgk serve`` on a free port in its own process, sends N uploads at once
(threads + urllib, multipart by hand), checks that every answer is the result page with
the total the library gives for that report, and prints requests/second, median and
worst latency.

    python benchmarks/web_load.py                 # 20 uploads, server default workers
    python benchmarks/web_load.py --n 40 --workers 2
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPORTS = sorted((ROOT / "corpora" / "reports").glob("*.txt"))[:12] + [
    ROOT / "corpora" / "reports" / "004_shanghai_kewei_2024.md",
    ROOT / "corpora" / "reports" / "001_huaian_hongzequ_2023.pdf",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url: str, path: Path) -> tuple[int, str, float]:
    boundary = secrets.token_hex(12)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"criteria\"\r\n\r\ncore\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(url + "/check", data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=300) as r:  # follows the 303 to the result page
            return r.status, r.read().decode("utf-8"), time.perf_counter() - t
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace"), time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="concurrent uploads (default 20)")
    ap.add_argument("--workers", type=int, help="server's scoring processes (default: its own)")
    args = ap.parse_args()

    from scorer.pipeline import score_document
    from scorer.web.app import DEFAULT_WORKERS

    files = [REPORTS[i % len(REPORTS)] for i in range(args.n)]
    expected = {p: f"{score_document(p, 'core').score['total']:.1f}" for p in set(files)}

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "scorer", "serve", "--port", str(port)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    server = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        t0 = time.perf_counter()
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.perf_counter() - t0 > 120:
                    raise SystemExit("server did not start")
                time.sleep(0.1)
        # the forkserver warms up during startup; one upload first so that all N find it ready
        _post(url, REPORTS[0])
        startup = time.perf_counter() - t0

        results: list[tuple[Path, int, str, float]] = [None] * args.n  # type: ignore[list-item]
        go = threading.Barrier(args.n + 1)

        def one(i: int) -> None:
            go.wait()
            status, text, secs = _post(url, files[i])
            results[i] = (files[i], status, text, secs)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(args.n)]
        for t in threads:
            t.start()
        go.wait()
        t1 = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t1
    finally:
        server.terminate()
        server.wait(timeout=30)

    bad = []
    for path, status, text, _ in results:
        m = re.search(r'id="total">([^<]+)<', text)
        if status != 200 or not m or m.group(1) != expected[path]:
            bad.append(f"{path.name}: HTTP {status}, total {m.group(1) if m else None}, expected {expected[path]}")
    lat = sorted(r[3] for r in results)
    print(f"server start + first upload: {startup:.1f} s")
    print(f"{args.n} concurrent uploads ({len(set(files))} distinct reports, txt/md/pdf), "
          f"server workers: {args.workers or DEFAULT_WORKERS}, cores: {os.cpu_count()}")
    print(f"answered correctly: {args.n - len(bad)}/{args.n}")
    print(f"wall time: {wall:.2f} s  ->  {args.n / wall:.2f} requests/s")
    print(f"latency: median {statistics.median(lat):.2f} s, worst {lat[-1]:.2f} s, best {lat[0]:.2f} s")
    for b in bad:
        print("WRONG:", b)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
