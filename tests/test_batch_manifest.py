"""Batch inputs: manifest validation, directory walking, output names."""
from __future__ import annotations

from pathlib import Path

import pytest

from scorer.batch import collect_inputs, read_manifest
from scorer.errors import ManifestError, ScorerError

HEADER = "file,agency,report_year,published_on,url,deadline\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def test_good_manifest_gives_overrides_relative_to_its_folder(tmp_path):
    m = write(tmp_path / "m" / "manifest.csv", HEADER
              + "b.txt,乙局,2022,2023-01-20,http://x/b,\n"
              + "a.txt,甲局,2022,,,2023-01-15\n"
              + "c.txt,,,,,\n")
    items = collect_inputs(m)
    assert [Path(i.path).name for i in items] == ["a.txt", "b.txt", "c.txt"]  # sorted by path
    assert Path(items[0].path).parent == m.parent
    assert dict(items[0].overrides) == {"agency": "甲局", "report_year": 2022, "deadline": "2023-01-15"}
    assert dict(items[1].overrides) == {"agency": "乙局", "report_year": 2022, "published_on": "2023-01-20",
                                        "url": "http://x/b"}
    assert items[2].overrides == ()  # empty cells: detect from the document


def test_manifest_optional_columns_and_gbk(tmp_path):
    m = write(tmp_path / "manifest.csv", "file,agency,report_year,published_on,备注\na.txt,甲局,2021,2022-01-05,x\n",
              encoding="gbk")  # Excel on Chinese Windows
    assert dict(collect_inputs(m)[0].overrides)["agency"] == "甲局"


@pytest.mark.parametrize("body,expected", [
    ("a.txt,甲局,2022,2023-13-01,,\n", "第2行 published_on“2023-13-01”不是有效日期"),
    ("a.txt,甲局,2022,2023-01-20,,\nb.txt,乙局,2022,2023/01/20,,\n", "第3行 published_on“2023/01/20”"),
    ("a.txt,甲局,2022,,,31-01-2023\n", "第2行 deadline“31-01-2023”不是有效日期"),
    ("a.txt,甲局,2022,,,\na.txt,乙局,2022,,,\n", "第3行 file“a.txt”文件重复"),
    ("a.txt,甲局,2022,,,\nb.txt,甲局,2022,,,\n", "第3行：甲局 2022年 同一机构同一年度重复"),
    ("a.txt,甲局,二〇二二,,,\n", "第2行 report_year“二〇二二”不是整数年份"),
    ("a.txt,甲局,1890,,,\n", "第2行 report_year“1890”年度不合理"),
])
def test_bad_manifest_names_the_row(tmp_path, body, expected):
    m = write(tmp_path / "manifest.csv", HEADER + body)
    with pytest.raises(ManifestError) as e:
        read_manifest(m)
    assert expected in str(e.value)
    assert str(m) in str(e.value)
    assert isinstance(e.value, ScorerError)  # the CLI maps it to exit 2


def test_missing_columns(tmp_path):
    m = write(tmp_path / "manifest.csv", "file,agency\na.txt,甲局\n")
    with pytest.raises(ManifestError, match="缺少列 report_year, published_on"):
        read_manifest(m)


def test_directory_walk_skips_outputs_hidden_and_other_types(tmp_path):
    root = tmp_path / "in"
    for name in ("a.txt", "sub/b.pdf", "sub/c.docx", "d.HTM", "e.md", "skip.csv", ".hidden.txt", "~$lock.docx",
                 ".git/x.txt", "out/a.json", "out/a.md"):
        write(root / name, "x")
    items = collect_inputs(root, exclude=root / "out")
    assert [Path(i.path).relative_to(root).as_posix() for i in items] == [
        "a.txt", "d.HTM", "e.md", "sub/b.pdf", "sub/c.docx"]


def test_colliding_stems_get_path_keys(tmp_path):
    for name in ("x/report.txt", "y/report.txt", "y/report.pdf", "z/other.txt"):
        write(tmp_path / name, "x")
    keys = [i.key for i in collect_inputs([tmp_path / "x", tmp_path / "y", tmp_path / "z"])]
    assert keys == ["x__report_txt", "y__report_pdf", "y__report_txt", "other"]
    assert len(set(keys)) == len(keys)


def test_missing_input_path(tmp_path):
    with pytest.raises(FileNotFoundError):
        collect_inputs(tmp_path / "nope")
