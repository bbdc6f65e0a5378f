"""Seeded mutation of corpus reports, for the fuzz test (tests/test_hardening.py).

Each mutant is a real report with a few of the damages found on agency sites and in
transfers: flipped bytes, inserted or deleted runs, duplicated lines, stray control
characters, truncation, digits glued together (table columns lost). The same seed
always gives the same mutant, so a failing case can be replayed from its number.

Run directly for many cases and a summary (``nice -n 10`` on a shared machine)::

    python tests/fuzz_mutate.py --n 10000 --out fuzz_report.json
"""
from __future__ import annotations

import json
import random
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
#: Corpus documents the mutants start from (text formats mutate meaningfully; one
#: PDF and one DOCX exercise the binary readers).
BASES = sorted(
    [p for p in (ROOT / "corpora/reports").iterdir() if p.suffix in (".txt", ".md", ".html")][:12]
    + sorted((ROOT / "corpora/seeds").glob("00[0-9]_*.txt"))
    + sorted((ROOT / "corpora/reports").glob("*.pdf"))[:1]
    + sorted((ROOT / "corpora/format").glob("*.docx"))[:1]
)
def fuzzed_strings(texts: list[str], words: list[str], *, seed: int, n_random: int, max_words: int,
                   n_spliced: int, max_span: int) -> Iterator[str]:
    """Strings for differential tests of a fast scanner against ``finditer``:
    ``n_random`` strings of up to ``max_words`` random ``words``, then ``n_spliced``
    passages of ``texts`` (20 to ``max_span`` characters) with up to six words spliced
    in. The same seed gives the same strings."""
    rnd = random.Random(seed)
    for _ in range(n_random):
        yield "".join(rnd.choice(words) for _ in range(rnd.randint(0, max_words)))
    for _ in range(n_spliced):
        text = rnd.choice(texts)
        at = rnd.randrange(len(text))
        chunk = list(text[at : at + rnd.randint(20, max_span)])
        for _ in range(rnd.randint(0, 6)):
            chunk.insert(rnd.randint(0, len(chunk)), rnd.choice(words))
        yield "".join(chunk)


_CONTROL = bytes([*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_DIGIT_SEP = re.compile(rb"(?<=\d)[ \t|]+(?=\d)")


def _flip(data: bytearray, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)


def _insert_run(data: bytearray, rng: random.Random) -> None:
    i = rng.randrange(len(data) + 1)
    n = rng.choice((1, 3, 16, 200, 4000))
    kind = rng.randrange(3)
    if kind == 0:
        run = bytes(rng.randrange(256) for _ in range(n))
    elif kind == 1:
        run = bytes(data[rng.randrange(len(data)):][:n])  # a piece of the document itself
    else:
        run = rng.choice(("一、", "（二）", "。", "\n", "\t", "表", "0")).encode("utf-8") * n
    data[i:i] = run


def _delete_run(data: bytearray, rng: random.Random) -> None:
    i = rng.randrange(len(data))
    del data[i : i + rng.choice((1, 2, 50, 500, 5000))]


def _duplicate_lines(data: bytearray, rng: random.Random) -> None:
    lines = bytes(data).split(b"\n")
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.randint(1, 40))
    times = rng.choice((1, 2, 10, 100))
    lines[j:j] = lines[i:j] * times
    data[:] = b"\n".join(lines)


def _control_chars(data: bytearray, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 20)):
        data.insert(rng.randrange(len(data) + 1), rng.choice(_CONTROL))


def _truncate(data: bytearray, rng: random.Random) -> None:
    del data[rng.randrange(len(data)) :]


def _glue_digits(data: bytearray, rng: random.Random) -> None:
    seps = list(_DIGIT_SEP.finditer(bytes(data)))
    for m in sorted(rng.sample(seps, min(len(seps), rng.randint(1, 30))), key=lambda m: -m.start()):
        del data[m.start() : m.end()]


MUTATIONS: dict[str, Callable[[bytearray, random.Random], None]] = {
    "flip": _flip,
    "insert": _insert_run,
    "delete": _delete_run,
    "duplicate": _duplicate_lines,
    "control": _control_chars,
    "truncate": _truncate,
    "glue": _glue_digits,
}


def mutant(case: int, seed: int = 20261202) -> tuple[str, bytes, list[str]]:
    """The mutant numbered ``case``: (file name, bytes, mutations applied)."""
    rng = random.Random(seed * 1_000_003 + case)
    base = BASES[rng.randrange(len(BASES))]
    data = bytearray(base.read_bytes())
    applied = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        if not data:
            break
        name = rng.choice(sorted(MUTATIONS))
        MUTATIONS[name](data, rng)
        applied.append(name)
    return f"fuzz{case:05d}_{base.name}", bytes(data), applied


def mutants(n: int, seed: int = 20261202, start: int = 0) -> Iterator[tuple[int, str, bytes, list[str]]]:
    for case in range(start, start + n):
        yield (case, *mutant(case, seed))


class _Hang(BaseException):  # not Exception: library code that catches those must not swallow it
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Hang()


def check(n: int, *, per_case: float = 60.0, seed: int = 20261202, start: int = 0,
          progress: Callable[[int, dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Score ``n`` mutants twice each. Returns counts and the failing cases:
    ``uncaught`` (an exception that is not a ScorerError), ``hangs`` (over
    ``per_case`` seconds of CPU time for the two runs), ``nondeterministic`` (two runs
    differ). CPU time, not wall time (ITIMER_PROF): on a shared, loaded machine a
    large mutant waiting for a core is not a hang."""
    from scorer.criteria import load_criteria
    from scorer.errors import ScorerError
    from scorer.pipeline import Upload, score_document

    cs = load_criteria("core")
    out: dict[str, Any] = {"n": n, "start": start, "done": 0, "scored": 0, "refused": 0, "uncaught": [], "hangs": [],
                           "nondeterministic": [], "errors": {}, "slowest": []}
    old = signal.signal(signal.SIGPROF, _alarm)
    times: list[tuple[float, int]] = []
    try:
        for case, name, data, applied in mutants(n, seed, start):
            where = {"case": case, "file": name, "mutations": applied}
            t0 = time.monotonic()
            runs = []
            try:
                signal.setitimer(signal.ITIMER_PROF, per_case)
                try:
                    for _ in range(2):
                        try:
                            r = score_document(Upload(name, data), cs)
                            runs.append(json.dumps(r.to_dict(), ensure_ascii=False, sort_keys=True))
                        except ScorerError as exc:
                            runs.append("error:" + str(exc))
                finally:
                    signal.setitimer(signal.ITIMER_PROF, 0)
            except _Hang:
                out["hangs"].append(where)
                continue
            except Exception as exc:  # noqa: BLE001 - what the fuzz test is looking for
                out["uncaught"].append({**where, "error": f"{type(exc).__name__}: {str(exc)[:200]}"})
                continue
            finally:
                times.append((time.monotonic() - t0, case))
                out["done"] += 1
                if progress:
                    progress(case, out)
            if runs[0] != runs[1]:
                out["nondeterministic"].append(where)
            elif runs[0].startswith("error:"):
                out["refused"] += 1
                kind = runs[0].split("：", 1)[-1][:20]
                out["errors"][kind] = out["errors"].get(kind, 0) + 1
            else:
                out["scored"] += 1
    finally:
        signal.signal(signal.SIGPROF, old)
    out["slowest"] = [{"case": c, "seconds": round(t, 2)} for t, c in sorted(times, reverse=True)[:10]]
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--start", type=int, default=0, help="first case number (to split a run)")
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--per-case", type=float, default=60.0)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    def progress(case: int, partial: dict[str, Any]) -> None:
        if partial["done"] % 250 == 0:
            print(f"{partial['done']}/{args.n}", file=sys.stderr, flush=True)
            if args.out:  # a partial report survives an interrupted run
                args.out.write_text(json.dumps(partial, ensure_ascii=False, indent=1), encoding="utf-8")

    report = check(args.n, per_case=args.per_case, seed=args.seed, start=args.start, progress=progress)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(f"{report['n']} mutants: {report['scored']} scored, {report['refused']} refused, "
          f"{len(report['uncaught'])} uncaught, {len(report['hangs'])} hangs, "
          f"{len(report['nondeterministic'])} nondeterministic")
    return 0 if not (report["uncaught"] or report["hangs"] or report["nondeterministic"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
