"""Speed and memory of the engine on the shipped corpus. Prints figures; never fails on time.

    python benchmarks/bench.py                 # N = 20 copies of the corpus reports
    python benchmarks/bench.py --n 2 --batch-docs 100   # quick (CI)

Reports, for the 44 text-format reports we ship (corpus + seeds):
- per-stage time in one process: load, sections, tables, validate, evidence, score, render;
- the Word memo's time per document next to the engine's (target: no more than scoring);
- engine time against the reference floor: one jieba pass over the same cleaned text
  (ratio engine_time / jieba_time; target ≤ 3);
- batch throughput with JSON output and 2 jobs (documents/s; target ≥ 50);
- peak memory of that batch (target < 500 MB for 2,000 documents);
- cold start of ``xxgk score`` on one text report (target < 2 s);
- ``--only outputs``: a 1,000-document batch with every default output (json, md, html,
  docx memos, the sheets, the summary, the results store), 2 jobs;
- ``--only memory``: the submitting process's peak RSS (``getrusage(RUSAGE_SELF)`` in a
  fresh process that calls ``run_batch``: the workers are other processes) at 1,000 and
  10,000 documents, JSON output, 2 jobs, scored for real: when the last document is
  done (before the sheets) and at the end (the sheets included).

The large batches (outputs, memory) are copies of the 44 text reports (:func:`copies`):
each copy gets distinct bytes (a line appended) and, through a manifest, an agency key
of its copy group (``g0007-<agency key>``), so that every copy is a row of its own in the
sheets and each group's year-over-year series are those of the corpus.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def text_reports() -> list[Path]:
    files = sorted((ROOT / "corpora/reports").glob("*.txt")) + sorted((ROOT / "corpora/reports").glob("*.md"))
    files += [p for p in sorted((ROOT / "corpora/seeds").glob("*.txt")) if p.name[:3] in ("000", "002", "003")]
    return files


def stage_times(files: list[Path], rounds: int) -> tuple[dict[str, float], float, int]:
    """Seconds per stage summed over all documents (median of `rounds`), and the jieba floor."""
    from scorer.criteria import load_criteria
    from scorer.evidence import assess_all
    from scorer.load import load
    from scorer.nlp import tokenizer
    from scorer.render import render
    from scorer.score import score_assessed
    from scorer.sections import find_sections
    from scorer.tables import extract_tables
    from scorer.validate import validate_document

    cs = load_criteria("core")
    tk = tokenizer()
    # one untimed pass warms every lazy import and cache (jieba dictionary, classifier
    # weights, pandera for the tables that fail a rule): steady-state figures; the cold
    # start is measured on its own below
    for f in files:
        d0 = load(f)
        t0_ = extract_tables(d0)
        validate_document(d0, t0_)
        assess_all(d0, cs)
        tk.lcut(d0.text)
    runs: dict[str, list[float]] = defaultdict(list)
    jieba_runs: list[float] = []
    chars = 0
    for _ in range(rounds):
        acc: dict[str, float] = defaultdict(float)
        jt = 0.0
        chars = 0
        for f in files:
            t0 = time.perf_counter()
            doc = load(f)
            t1 = time.perf_counter()
            find_sections(doc.text)  # already inside load; timed again on its own
            t2 = time.perf_counter()
            tables = extract_tables(doc)
            t3 = time.perf_counter()
            findings = list(tables.findings) + list(validate_document(doc, tables))
            t4 = time.perf_counter()
            assessments = assess_all(doc, cs)
            t5 = time.perf_counter()
            result = score_assessed(doc, cs, tables=tables.to_dict(), format_version=tables.format_version,
                                    findings=findings, assessments=assessments)
            t6 = time.perf_counter()
            render(result, "json")
            render(result, "md")
            t7 = time.perf_counter()
            tk.lcut(doc.text)
            t8 = time.perf_counter()
            render(result, "docx")  # the Word memo, timed on its own (not part of the engine)
            t9 = time.perf_counter()
            sec = t2 - t1
            acc["load"] += (t1 - t0) - sec
            acc["sections"] += sec
            acc["tables"] += t3 - t2
            acc["validate"] += t4 - t3
            acc["evidence"] += t5 - t4
            acc["score"] += t6 - t5
            acc["render"] += t7 - t6
            jt += t8 - t7
            acc["docx"] += t9 - t8
            chars += len(doc.text)
        for k, v in acc.items():
            runs[k].append(v)
        jieba_runs.append(jt)
    return {k: statistics.median(v) for k, v in runs.items()}, statistics.median(jieba_runs), chars


def batch_run(files: list[Path], n_docs: int, jobs: int) -> tuple[float, float, int]:
    """Score n_docs copies through `xxgk batch` (JSON only). Returns (seconds, peak MB, failures)."""
    tmp = Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    try:
        src = tmp / "in"
        src.mkdir()
        for i in range(n_docs):
            f = files[i % len(files)]
            # distinct bytes per copy so the rerun cache never skips one
            data = f.read_bytes() + f"\n<!-- copy {i} -->\n".encode() if f.suffix == ".md" else f.read_bytes() + f"\n附：副本{i}\n".encode()
            (src / f"{i:05d}_{f.name}").write_bytes(data)
        cmd = [sys.executable, "-m", "scorer", "batch", str(src), "--criteria", "core",
               "--out", str(tmp / "out"), "--jobs", str(jobs), "--format", "json"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        failures = proc.returncode
        if proc.returncode not in (0, 1):
            print(proc.stderr[-2000:], file=sys.stderr)
        return elapsed, peak_kb / 1024, failures
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def copies(files: list[Path], n_docs: int, where: Path) -> Path:
    """``n_docs`` copies of ``files`` in ``where/in`` and a manifest naming each copy's
    group agency key (see the module docstring). Returns the manifest."""
    from scorer.history import agency_key
    from scorer.load import load

    keys = {f: agency_key(load(str(f)).agency) for f in files}
    src = where / "in"
    src.mkdir()
    lines = ["file,agency,report_year,published_on,agency_key"]
    for i in range(n_docs):
        f = files[i % len(files)]
        extra = f"\n<!-- copy {i} -->\n" if f.suffix == ".md" else f"\n附：副本{i}\n"
        name = f"{i:05d}_{f.name}"
        (src / name).write_bytes(f.read_bytes() + extra.encode())
        group = f"g{i // len(files):04d}-{keys[f]}" if keys[f] else ""
        lines.append(f"in/{name},,,,{group}")
    manifest = where / "manifest.csv"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def batch_child(manifest: str, out: str, jobs: int, formats: list[str]) -> dict:
    """One batch in this (fresh) process: wall and CPU time, the submitting process's
    peak RSS and its workers' CPU."""
    from scorer.batch import run_batch

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    scoring_peak = [0.0]

    def progress(done: int, total: int, outcome) -> None:
        if done == total:  # every document done, the sheets not begun
            scoring_peak[0] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    t0, c0 = time.perf_counter(), time.process_time()
    rep = run_batch([], "core", out, manifest=manifest, jobs=jobs, formats=tuple(formats), progress=progress)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    n = len(rep.outcomes)
    return {"docs": n, "failed": len(rep.failures), "problems": rep.problems, "wall_s": round(wall, 1),
            "docs_per_s": round(n / wall, 2), "parent_cpu_s": round(cpu, 1),
            "workers_cpu_s": round(kids.ru_utime + kids.ru_stime, 1), "rss_at_start_mb": round(before),
            "scoring_peak_mb": round(scoring_peak[0]),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def big_batch(files: list[Path], n_docs: int, jobs: int, formats: list[str]) -> dict:
    """:func:`batch_child` in a fresh process on :func:`copies` of the corpus."""
    import json

    tmp = Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    try:
        manifest = copies(files, n_docs, tmp)
        proc = subprocess.run([sys.executable, __file__, "--batch-child", str(manifest), str(tmp / "out"),
                               "--jobs", str(jobs), "--formats", *formats], capture_output=True, text=True,
                              cwd=tmp)
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            raise SystemExit(proc.returncode)
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        row["output_mb"] = round(sum(p.stat().st_size for p in (tmp / "out").rglob("*") if p.is_file()) / 2**20)
        return row
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def print_big(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"{'docs':>6} {'failed':>6} {'wall s':>7} {'docs/s':>7} {'parent CPU s':>12} {'workers CPU s':>13} "
          f"{'RSS at start':>12} {'peak, scoring':>13} {'peak RSS':>9} {'outputs':>8}")
    for r in rows:
        print(f"{r['docs']:6d} {r['failed']:6d} {r['wall_s']:7.1f} {r['docs_per_s']:7.2f} {r['parent_cpu_s']:12.1f} "
              f"{r['workers_cpu_s']:13.1f} {r['rss_at_start_mb']:10d}MB {r.get('scoring_peak_mb', 0):11d}MB "
              f"{r['peak_rss_mb']:7d}MB {r['output_mb']:6d}MB")
        if r["problems"]:
            print("   problems:", r["problems"][:3])


def cold_start(file: Path, repeat: int = 3) -> float:
    xxgk = shutil.which("xxgk", path=str(Path(sys.executable).parent)) or "xxgk"
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([xxgk, "score", str(file), "--format", "json"], capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="copies of the corpus for the stage timings' batch")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the in-process stage timing")
    ap.add_argument("--batch-docs", type=int, default=None, help="documents in the batch run (default n × corpus)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", choices=["stages", "batch", "outputs", "memory"],
                    help="one part (default: stages, batch and cold start)")
    ap.add_argument("--outputs-docs", type=int, default=1000, help="documents of the all-outputs batch")
    ap.add_argument("--memory", type=int, nargs="+", default=[1000, 10000], help="batch sizes (memory)")
    ap.add_argument("--batch-child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--formats", nargs="+", default=["json"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.batch_child:
        import json

        print(json.dumps(batch_child(*args.batch_child, args.jobs, args.formats)))
        return

    files = text_reports()
    print(f"corpus: {len(files)} text reports; machine: {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} (shared: wall times are noisy, CPU times less so)")
    if args.only == "outputs":
        from scorer.batch import DEFAULT_FORMATS

        row = big_batch(files, args.outputs_docs, args.jobs, list(DEFAULT_FORMATS))
        print_big(f"batch with every default output ({', '.join(DEFAULT_FORMATS)} memos, sheets, summary, store), "
                  f"--jobs {args.jobs}:", [row])
        return
    if args.only == "memory":
        rows = [big_batch(files, n, args.jobs, ["json"]) for n in args.memory]
        print_big(f"submitting-process memory, JSON output, --jobs {args.jobs}, scored for real:", rows)
        return
    if args.only == "batch":
        n_docs = args.batch_docs or args.n * len(files)
        c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        secs, peak_mb, rc = batch_run(files, n_docs, args.jobs)
        c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)
        print(f"\nbatch: {n_docs} documents, --jobs {args.jobs}, JSON output: {secs:.1f} s, "
              f"{n_docs / secs:.1f} documents/s (target ≥ 50 with 2 jobs); CPU {cpu:.1f} s "
              f"(parent and workers); exit code {rc}")
        return
    stages, jieba_t, chars = stage_times(files, args.rounds)
    docx_t = stages.pop("docx", 0.0)
    engine = sum(stages.values())
    print(f"\nper-stage time for {len(files)} documents ({chars} characters), median of {args.rounds} rounds:")
    for k in ("load", "sections", "tables", "validate", "evidence", "score", "render"):
        v = stages.get(k, 0.0)
        print(f"  {k:<9} {v * 1000:8.1f} ms  {v / len(files) * 1000:6.2f} ms/doc  {v / engine:6.1%}")
    print(f"  {'engine':<9} {engine * 1000:8.1f} ms  {engine / len(files) * 1000:6.2f} ms/doc  (one process: {len(files) / engine:.1f} docs/s)")
    print(f"  {'jieba':<9} {jieba_t * 1000:8.1f} ms  one pass of jieba over the same text (reference floor)")
    print(f"  ratio engine_time / jieba_time = {engine / jieba_t:.2f}   (target ≤ 3)")
    print(f"  {'docx memo':<9} {docx_t * 1000:8.1f} ms  {docx_t / len(files) * 1000:6.2f} ms/doc  "
          f"vs engine {engine / len(files) * 1000:.2f} ms/doc (target: the memo costs no more than scoring)")

    n_docs = args.batch_docs or args.n * len(files)
    secs, peak_mb, rc = batch_run(files, n_docs, args.jobs)
    print(f"\nbatch: {n_docs} documents, --jobs {args.jobs}, JSON output: {secs:.1f} s, "
          f"{n_docs / secs:.1f} documents/s (target ≥ 50 with 2 jobs); exit code {rc}")
    print(f"peak memory (largest process of the batch): {peak_mb:.0f} MB (target < 500 MB for 2,000 documents)")

    cs = cold_start(files[0])
    print(f"\ncold start: xxgk score {files[0].name} --format json: {cs:.2f} s (target < 2 s)")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
