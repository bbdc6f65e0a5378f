"""jieba with the project's dictionaries, loaded once per process.

Two files in ``scorer/data/``:

- ``jieba_dict.txt``: jieba's own dictionary without its rarest words (frequency
  below :data:`MIN_FREQ`; 137k of 349k words). Loading jieba's full prefix dictionary
  takes over a second, most of the CLI's cold start; the trimmed one loads in about
  0.4 s and segments government prose the same way in practice (the classifier is
  trained on this segmentation). Rebuild it with :func:`build_dictionary`.
- ``userdict.txt``: the domain dictionary (one ``word`` per line) that keeps terms
  such as 政策解读, 三同步, 依申请公开 whole, so keyword matching, the criteria draft
  and the classifier all see the same words.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources

__all__ = ["tokenizer", "cut", "domain_words", "build_dictionary", "MIN_FREQ"]

#: Words of jieba's dictionary rarer than this are left out of ``jieba_dict.txt``.
MIN_FREQ = 5


@lru_cache(maxsize=1)
def domain_words() -> tuple[str, ...]:
    """The words of the shipped domain dictionary, in file order."""
    text = resources.files("scorer.data").joinpath("userdict.txt").read_text(encoding="utf-8")
    words = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line.split()[0])
    return tuple(words)


def _import_jieba():
    """Import jieba without pkg_resources.

    jieba 0.42 imports ``pkg_resources`` (≈0.15 s, deprecated) only to open its own
    data files and falls back to plain ``open`` when it is missing; hiding it keeps
    the CLI's cold start down.
    """
    import sys

    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    saved = sys.modules.get("pkg_resources", _MISSING)
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        import jieba
    finally:
        if saved is _MISSING:
            del sys.modules["pkg_resources"]
        else:
            sys.modules["pkg_resources"] = saved
    return jieba


_MISSING = object()


@lru_cache(maxsize=1)
def tokenizer():
    """A private ``jieba.Tokenizer`` with the domain dictionary added.

    A private instance (not the global ``jieba.dt``) so that a host application's own
    jieba settings are left alone.
    """
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer(str(resources.files("scorer.data").joinpath("jieba_dict.txt")))
    for word in domain_words():
        tk.add_word(word, freq=20000)
    return tk


def cut(text: str) -> list[str]:
    """Words of ``text`` (precise mode, no HMM, so results do not depend on rare
    character sequences), whitespace dropped."""
    return [w for w in tokenizer().lcut(text, HMM=False) if w.strip()]



def build_dictionary(dst: str, min_freq: int = MIN_FREQ) -> int:
    """Write jieba's bundled dictionary without words rarer than ``min_freq`` to
    ``dst`` (deterministic: jieba's order is kept). Returns the number of words."""
    import os

    jieba = _import_jieba()
    src = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    n = 0
    with open(src, encoding="utf-8") as fin, open(dst, "w", encoding="utf-8", newline="\n") as fout:
        for line in fin:
            parts = line.split()
            if len(parts) >= 2 and int(parts[1]) >= min_freq:
                fout.write(line if line.endswith("\n") else line + "\n")
                n += 1
    return n
