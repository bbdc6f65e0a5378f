"""Batches on Dask next to the local pool. Prints figures; never fails on time.

    python benchmarks/dask_bench.py                     # everything below
    python benchmarks/dask_bench.py --only formats      # one part: formats | throughput | memory
    python benchmarks/dask_bench.py --docs 20 --memory 200 2000   # smaller

Needs the dask extra (``pip install -e '.[dask]'``). Parts:

- formats: seconds per document (wall and CPU) and documents per hour per core (CPU), by format (txt, md,
  html, docx, pdf), of the whole per-document work of a batch
  (``scorer.batch.worker.process``: score, render json/md/html/docx, write), in one
  process, on corpus files; PDFs also per page;
- throughput: the same documents (``--docs`` links to the corpus text reports) through
  the local pool with 1 and 2 jobs and through Dask (a LocalCluster) with 1 and 2
  workers, JSON output; wall time including start-up (Dask: the cluster and one warmed
  child per worker);
- memory: the submitting process of a Dask batch of 1,000 and 10,000 documents (links
  to the corpus text reports with distinct names: distinct keys, little disk), each in
  a fresh process: its peak RSS (``getrusage(RUSAGE_SELF)``: the workers are other
  processes; the LocalCluster's scheduler runs in this one) and its RSS before the
  batch, the futures in flight at most, and the rate. Scoring 10,000 documents for
  real takes hours on a shared 2-core machine, so every size also runs with a
  stand-in for the work (:func:`standin`: each worker returns the real outcome of the
  linked report, scored once, under each task's name — the submitting process
  receives, records and sheets exactly what a real batch sends it); sizes up to
  ``--real-up-to`` (default 1,000) are also scored for real, to show the two agree.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))  # so that the stand-in below is importable as dask_bench.standin


def text_reports() -> list[Path]:
    return sorted((ROOT / "corpora/reports").glob("*.txt"))


def linked_folder(where: Path, n: int) -> Path:
    """``n`` links to the corpus text reports, each under a name of its own."""
    files = text_reports()
    folder = where / f"in{n}"
    folder.mkdir()
    for i in range(n):
        f = files[i % len(files)]
        (folder / f"{i:06d}_{f.name}").symlink_to(f)
    return folder


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- formats ---------------------------------------------------------------------------

FORMAT_FILES = {
    "txt": [ROOT / "corpora/reports" / n for n in ("020_pingtan_gongan_2024.txt", "029_pingtan_xingzhengshenpi_2024.txt",
                                                    "014_pingtan_syq_2024.txt", "083_pingtan_caizhengjinrong_2024.txt",
                                                    "010_pingtan_syq_2020.txt")],
    "md": [ROOT / "corpora/reports/004_shanghai_kewei_2024.md"],
    "html": [ROOT / "corpora/reports2/359_pingtan_syq_2025.html", ROOT / "tests/fixtures/load/seed000_gbk.html"],
    "docx": [ROOT / "tests/fixtures/load/seed003.docx"],
    "pdf": [ROOT / "corpora/reports/001_huaian_hongzequ_2023.pdf", ROOT / "corpora/reports/003_huaian_shizhengfu_2024.pdf"],
}


def formats_part(rounds: int) -> dict:
    from scorer.batch import BatchConfig, Task, process, worker
    from scorer.criteria import load_criteria

    cs = load_criteria("core")
    worker.warm_up(cs)
    out = Path(tempfile.mkdtemp(prefix="xxgk-fmt-"))
    config = BatchConfig(cs, str(out), ("json", "md", "html", "docx"), None)
    rows = {}
    try:
        for fmt, files in FORMAT_FILES.items():
            per_doc, cpu_doc = [], []
            pages = 0
            for f in files:
                times, cpu = [], []
                for r in range(rounds):
                    c0 = time.process_time()
                    res = process(Task(str(f), f"{fmt}-{f.stem}-{r}", (), "bench"), config)
                    cpu.append(time.process_time() - c0)
                    assert res.status == "scored", (f, res.error)
                    times.append(res.seconds)
                per_doc.append(statistics.median(times))
                cpu_doc.append(statistics.median(cpu))
                if fmt == "pdf":
                    import pdfplumber

                    with pdfplumber.open(f) as pdf:
                        pages += len(pdf.pages)
            s, c = statistics.mean(per_doc), statistics.mean(cpu_doc)
            # a core-hour is CPU time: wall time on a shared machine counts the others' work too
            rows[fmt] = {"docs": len(files), "s_per_doc": round(s, 3), "cpu_s_per_doc": round(c, 3),
                         "docs_per_hour_per_core": round(3600 / c)}
            if fmt == "pdf":
                rows[fmt]["cpu_s_per_page"] = round(sum(cpu_doc) / pages, 3)
                rows[fmt]["pages"] = pages
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print("\n== per-document work by format (one process, score + json/md/html/docx; median of "
          f"{rounds} rounds, mean over files) ==")
    print(f"{'format':6} {'files':>5} {'wall s/doc':>10} {'CPU s/doc':>10} {'docs/h/core':>12}")
    for fmt, r in rows.items():
        extra = f"   {r['cpu_s_per_page']} CPU s/page over {r['pages']} pages" if "cpu_s_per_page" in r else ""
        print(f"{fmt:6} {r['docs']:5d} {r['s_per_doc']:10.3f} {r['cpu_s_per_doc']:10.3f} "
              f"{r['docs_per_hour_per_core']:12d}{extra}")
    print("OCR s/page: see benchmarks/pdf_speed.py (scanned PDFs; not measured here)")
    return rows


# --- throughput --------------------------------------------------------------------------

def throughput_part(n_docs: int) -> dict:
    from distributed import Client, LocalCluster

    from scorer.batch import ProcessPool, run_batch
    from scorer.batch.dask_executor import DaskExecutor

    rows = {}
    with tempfile.TemporaryDirectory(prefix="xxgk-thr-") as tmp:
        folder = linked_folder(Path(tmp), n_docs)
        (Path(tmp) / "w").mkdir()
        warm = linked_folder(Path(tmp) / "w", 2)

        def timed(name: str, executor, i: int, startup: float) -> None:
            t0 = time.monotonic()
            rep = run_batch(folder, "core", Path(tmp) / f"out{i}", executor=executor, formats=("json",))
            wall = time.monotonic() - t0
            assert rep.ok and len(rep.scored) == n_docs, rep.summary_lines()[:3]
            work = sum(o.seconds for o in rep.outcomes)
            rows[name] = {"startup_s": round(startup, 1), "wall_s": round(wall, 1),
                          "docs_per_s": round(n_docs / wall, 2), "mean_s_per_doc_in_worker": round(work / n_docs, 3)}

        for i, jobs in enumerate((1, 2)):
            timed(f"local pool, {jobs} job{'s' * (jobs > 1)}", ProcessPool(jobs), i, 0.0)
        for i, workers in enumerate((1, 2), start=2):
            # start-up apart: the cluster, then one small batch that spawns and warms
            # each worker's child
            t0 = time.monotonic()
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster):
                run_batch(warm, "core", Path(tmp) / f"warm{i}", executor=DaskExecutor(cluster.scheduler_address),
                          formats=("json",))
                timed(f"dask, {workers} worker{'s' * (workers > 1)}", DaskExecutor(cluster.scheduler_address), i,
                      time.monotonic() - t0)
    print(f"\n== throughput: {n_docs} text reports, JSON output (Dask start-up timed apart) ==")
    print(f"{'executor':20} {'start-up s':>10} {'wall s':>7} {'docs/s':>7} {'s/doc in worker':>16}")
    for name, r in rows.items():
        print(f"{name:20} {r['startup_s']:10.1f} {r['wall_s']:7.1f} {r['docs_per_s']:7.2f} "
              f"{r['mean_s_per_doc_in_worker']:16.3f}")
    return rows


# --- memory ------------------------------------------------------------------------------

_SCORED: dict = {}


def standin(task, config):
    """Stand-in work for large memory runs: the real outcome of the linked corpus
    report (scored once per child, for real) under this task's name and an agency
    key of its own (so that each is a row of the sheets), writing nothing (the parent
    records its rerun state). What the submitting process receives per document is
    the same size as in a real batch; the workers just do not redo it."""
    from dataclasses import replace

    from scorer.batch.messages import Outcome, Task
    from scorer.batch.worker import process

    real = os.path.realpath(task.path)
    if real not in _SCORED:
        scratch = tempfile.mkdtemp(prefix="xxgk-standin-")
        _SCORED[real] = process(Task(task.path, "standin", task.overrides, task.fingerprint),
                                replace(config, out_dir=scratch))
        shutil.rmtree(scratch, ignore_errors=True)
    done = _SCORED[real]
    key, year = done.identity or (None, None)
    mine = (f"{key}-{task.key}" if key else None, year)
    if task.survey:
        return Outcome(task.path, task.key, done.status, identity=mine, recorded=True)
    record = None
    if done.record is not None:
        record = dict(done.record, agency_key=mine[0], stored=dict(done.record["stored"], source_path=task.path))
    return replace(done, path=task.path, key=task.key, outputs=(), recorded=False, record=record, identity=mine)


def memory_child(n: int, workers: int, stand_in: bool) -> dict:
    """One Dask batch of ``n`` documents in this (fresh) process."""
    from scorer.batch import process, run_batch
    from scorer.batch.dask_executor import DaskExecutor
    from scorer.criteria import load_criteria

    if stand_in:
        import dask_bench  # by module name, so that workers and their children find it

        fn = dask_bench.standin
        os.environ["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT), os.environ.get("PYTHONPATH", "")])
    else:
        fn = process
    cs = load_criteria("core")
    with tempfile.TemporaryDirectory(prefix="xxgk-mem-") as tmp:
        folder = linked_folder(Path(tmp), n)
        ex = DaskExecutor(workers=workers, fn=fn)
        before = rss_mb()
        t0 = time.monotonic()
        rep = run_batch(folder, cs, Path(tmp) / "out", executor=ex, formats=("json",))
        wall = time.monotonic() - t0
        peak = peak_mb()  # before the counts below are drawn from the run log
        counts = getattr(rep.outcomes, "counts", None) or {"scored": len(rep.scored), "failed": len(rep.failures)}
        return {"n": n, "work": "stand-in" if stand_in else "real", "scored": counts["scored"],
                "failed": counts["failed"], "wall_s": round(wall, 1),
                "docs_per_s": round(n / wall, 2), "rss_before_mb": round(before, 1),
                "peak_rss_mb": round(peak, 1), "peak_in_flight": ex.peak_in_flight}


def memory_part(sizes: list[int], workers: int, real_up_to: int) -> list[dict]:
    rows = []
    runs = [(n, True) for n in sizes] + [(n, False) for n in sizes if n <= real_up_to]
    for n, stand_in in runs:
        proc = subprocess.run([sys.executable, __file__, "--memory-child", str(n), "--workers", str(workers)]
                              + (["--stand-in"] if stand_in else []),
                              capture_output=True, text=True, check=True)
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"\n== submitting-process memory, Dask LocalCluster of {workers} workers, JSON output ==")
    print(f"{'docs':>6} {'work':>8} {'scored':>6} {'failed':>6} {'wall s':>7} {'docs/s':>7} {'RSS before':>11} "
          f"{'peak RSS':>9} {'in flight max':>14}")
    for r in rows:
        print(f"{r['n']:6d} {r['work']:>8} {r['scored']:6d} {r['failed']:6d} {r['wall_s']:7.1f} {r['docs_per_s']:7.2f} "
              f"{r['rss_before_mb']:9.1f}MB {r['peak_rss_mb']:7.1f}MB {r['peak_in_flight']:14d}")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=["formats", "throughput", "memory"])
    ap.add_argument("--rounds", type=int, default=3, help="rounds per file (formats)")
    ap.add_argument("--docs", type=int, default=40, help="documents per throughput run")
    ap.add_argument("--memory", type=int, nargs="+", default=[1000, 10000], help="batch sizes (memory)")
    ap.add_argument("--workers", type=int, default=2, help="Dask workers (memory)")
    ap.add_argument("--real-up-to", type=int, default=1000,
                    help="memory: also score for real the batches up to this size")
    ap.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--stand-in", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        print(json.dumps(memory_child(args.memory_child, args.workers, args.stand_in)))
        return
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared: figures are noisy)")
    if args.only in (None, "formats"):
        formats_part(args.rounds)
    if args.only in (None, "throughput"):
        throughput_part(args.docs)
    if args.only in (None, "memory"):
        memory_part(args.memory, args.workers, args.real_up_to)


if __name__ == "__main__":
    main()
