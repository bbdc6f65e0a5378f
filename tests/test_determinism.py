"""Same input, same output: the whole shipped corpus scored twice, with 1 and 2 jobs,
gives byte-identical JSON and Markdown."""
from __future__ import annotations

from scorer.batch import run_batch

from .conftest import CORPORA


def _outputs(out_dir) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out_dir.iterdir()) if p.suffix in (".json", ".md")}


def test_corpus_scored_twice_is_byte_identical(tmp_path):
    manifest = CORPORA / "manifest.csv"
    a = run_batch(manifest, "core", tmp_path / "a", jobs=1, formats=("json", "md"))
    b = run_batch(manifest, "core", tmp_path / "b", jobs=2, formats=("json", "md"))
    assert a.ok and b.ok, [o.error for o in a.failures + b.failures]
    assert len(a.scored) == 44
    out_a, out_b = _outputs(tmp_path / "a"), _outputs(tmp_path / "b")
    assert len(out_a) == 2 * 44
    assert out_a == out_b
    assert (tmp_path / "a/scores.csv").read_bytes() == (tmp_path / "b/scores.csv").read_bytes()
    # and a forced rerun in the same place rewrites the same bytes
    run_batch(manifest, "core", tmp_path / "a", jobs=2, formats=("json", "md"), force=True)
    assert _outputs(tmp_path / "a") == out_a
