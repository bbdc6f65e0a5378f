"""A batch holding an agency's reports of several years: each document is scored
once, after its previous year's report (scored in the same batch) and compared with
it, whatever order the executor runs the tasks in; the year-over-year findings are
those of scoring the years one after another by hand; a rerun reads again only the
documents whose bytes changed and redoes only what depends on them."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from scorer.batch import run_batch
from scorer.batch.worker import process
from scorer.history import PreviousReport
from scorer.pipeline import ScoreOptions, run, section_texts
from tests.conftest import CORPORA, copy_into

R = CORPORA / "reports"
SERIES = ["009_pingtan_syq_2019.txt", "010_pingtan_syq_2020.txt", "011_pingtan_syq_2021.txt"]
OTHERS = ["004_shanghai_kewei_2024.md", "020_pingtan_gongan_2024.txt"]
YEAR_RULES = ("T3-carry-chain", "T2-in-force", "Q-repeat")


class Counting:
    """Runs the tasks in this process, the last handed over first (so a later year
    would come before an earlier one if the batch did not order them), and counts
    the documents read for their agency and year and the documents scored."""

    def __init__(self) -> None:
        self.surveyed: Counter[str] = Counter()
        self.scored: Counter[str] = Counter()

    def run(self, tasks, config, on_done):
        queue = list(tasks)
        while queue:
            t = queue.pop()
            (self.surveyed if t.survey else self.scored)[Path(t.path).name] += 1
            more = on_done(process(t, config))
            if isinstance(more, list):
                queue.extend(more)


@pytest.fixture
def folder(tmp_path):
    return copy_into(tmp_path / "in", [R / name for name in SERIES + OTHERS])


def by_hand(paths: list[str]) -> list[dict]:
    """Each year scored with the one before it, as the pipeline's callers would."""
    out, prev = [], None
    for path in paths:
        s = run(path, "core", ScoreOptions(previous=prev))
        d = s.result.to_dict()
        out.append(d)
        prev = PreviousReport(agency=s.document.agency, report_year=s.document.report_year, tables=d["tables"],
                              sections=section_texts(s.document), source=path,
                              format_version=d["document"]["format_version"], result=d)
    return out


def test_a_series_is_scored_once_in_year_order_with_the_findings_of_scoring_by_hand(folder, tmp_path, core):
    ex = Counting()
    rep = run_batch(folder, core, tmp_path / "out", executor=ex, formats=("json",))
    assert rep.ok and len(rep.scored) == 5, rep.summary_lines()
    names = SERIES + OTHERS
    assert ex.scored == Counter(names)  # every document once: no second wave
    assert ex.surveyed == Counter(names)  # read once for its agency and year
    got = {Path(o.path).name: json.loads((tmp_path / "out" / f"{o.key}.json").read_text(encoding="utf-8"))
           for o in rep.outcomes}
    paths = {Path(o.path).name: o.path for o in rep.outcomes}
    want = by_hand([paths[n] for n in SERIES])
    for name, d in zip(SERIES, want):
        assert got[name]["findings"] == d["findings"], name
        assert got[name].get("history") == d.get("history"), name
        assert got[name]["score"] == d["score"], name
    assert got[SERIES[0]].get("history") is None  # 2019: its previous year is not in the batch
    assert got[SERIES[2]]["history"]["previous"]["report_year"] == 2020
    assert "T3-carry-chain" in got[SERIES[2]]["history"]["checked"]
    # the local pool, two workers finishing in any order, writes the same bytes
    pool = run_batch(folder, core, tmp_path / "pool", jobs=2, formats=("json",))
    assert pool.ok
    for o in rep.outcomes:
        assert (tmp_path / "pool" / f"{o.key}.json").read_bytes() == (tmp_path / "out" / f"{o.key}.json").read_bytes()


def _rerun_after_changing(name: str, folder, out, core):
    """A batch, one of its documents corrected, and the batch run again (counted)."""
    run_batch(folder, core, out, executor=Counting(), formats=("json",))
    changed = folder / name
    changed.write_bytes(changed.read_bytes() + "\n附：更正说明。\n".encode())
    ex = Counting()
    rep = run_batch(folder, core, out, executor=ex, formats=("json",))
    assert rep.ok, rep.summary_lines()
    return ex, rep


def test_a_rerun_reads_only_changed_documents_and_redoes_what_depends_on_them(folder, tmp_path, core):
    ex, rep = _rerun_after_changing(SERIES[1], folder, tmp_path / "out", core)
    # the changed 2020 is read for its agency and year (the unchanged 2021 may follow
    # it), scored, and 2021, which was compared with the old 2020, is redone after it
    # in the same run; 2019 and the others are skipped
    assert ex.surveyed == Counter([SERIES[1]])
    assert ex.scored == Counter([SERIES[1], SERIES[2]])
    assert sorted(Path(o.path).name for o in rep.worked) == [SERIES[1], SERIES[2]]
    assert sorted(Path(o.path).name for o in rep.skipped) == sorted([SERIES[0], *OTHERS])
    assert [o.path for o in rep.outcomes] == sorted(o.path for o in rep.outcomes)  # input order kept
    d = json.loads((tmp_path / "out" / "011_pingtan_syq_2021.json").read_text(encoding="utf-8"))
    want = by_hand([str(folder / n) for n in SERIES])[2]
    assert d["history"] == want["history"] and d["findings"] == want["findings"]
    # nothing is left for the next run
    ex = Counting()
    rep = run_batch(folder, core, tmp_path / "out", executor=ex, formats=("json",))
    assert not ex.scored and not ex.surveyed and not rep.worked
    # forced, everything is scored again, once each, in year order, and nothing is
    # read for its agency and year: those of these very bytes are in the rerun state
    ex = Counting()
    rep = run_batch(folder, core, tmp_path / "out", executor=ex, formats=("json",), force=True)
    assert rep.ok and ex.scored == Counter(SERIES + OTHERS) and not ex.surveyed
    again = json.loads((tmp_path / "out" / "011_pingtan_syq_2021.json").read_text(encoding="utf-8"))
    assert again["history"] == want["history"] and again["findings"] == want["findings"]


def test_a_manifest_that_states_agency_and_year_needs_no_survey(folder, tmp_path, core):
    # the agency and year a manifest row states are what scoring uses: the batch
    # orders the series by them without reading any document twice
    docs = [(SERIES[0], "平潭综合实验区管委会", 2019), (SERIES[1], "平潭综合实验区管委会", 2020),
            (SERIES[2], "平潭综合实验区管委会", 2021)]
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,agency,report_year,published_on\n" + "".join(f"{folder / n},{a},{y},\n" for n, a, y in docs),
                        encoding="utf-8")
    ex = Counting()
    rep = run_batch(manifest, core, tmp_path / "out", executor=ex, formats=("json",))
    assert rep.ok and len(rep.scored) == 3, rep.summary_lines()
    assert ex.scored == Counter(SERIES) and not ex.surveyed
    got = {Path(o.path).name: json.loads((tmp_path / "out" / f"{o.key}.json").read_text(encoding="utf-8"))
           for o in rep.outcomes}
    # 2020 and 2021 were compared with the year before (their history names it)
    for name, year in ((SERIES[1], 2019), (SERIES[2], 2020)):
        assert got[name]["history"]["previous"]["report_year"] == year, name


def test_a_changed_first_year_redoes_its_whole_series_in_one_run(folder, tmp_path, core):
    ex, rep = _rerun_after_changing(SERIES[0], folder, tmp_path / "out", core)
    assert ex.scored == Counter(SERIES)  # 2019, then 2020 against it, then 2021
    assert sorted(Path(o.path).name for o in rep.skipped) == sorted(OTHERS)
    got = [json.loads((tmp_path / "out" / f"{Path(n).stem}.json").read_text(encoding="utf-8")) for n in SERIES]
    want = by_hand([str(folder / n) for n in SERIES])
    assert [g["findings"] for g in got] == [w["findings"] for w in want]
    assert [g.get("history") for g in got] == [w.get("history") for w in want]
