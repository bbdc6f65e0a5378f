"""Batch hardening (issue 18): special files, odd manifests, long names, orphaned
workers, two batches into one folder, an output folder that cannot be written.

Most cases run the real command in a subprocess with a time limit, so that a hang is
a test failure and not a stuck test run."""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from scorer.batch import read_manifest, run_batch
from scorer.batch.state import STATE_DIR, open_output_folder
from scorer.errors import ManifestError
from tests.conftest import CORPORA, ROOT

DOC = CORPORA / "reports" / "020_pingtan_gongan_2024.txt"
DOC2 = CORPORA / "reports" / "029_pingtan_xingzhengshenpi_2024.txt"
HEADER = "file,agency,report_year,published_on,url,deadline\n"
LINUX = sys.platform.startswith("linux")


def xxgk(*args: str, timeout: float = 180, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scorer", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, **kw)


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr


# ---------------------------------------------------------------- special files

@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="needs FIFOs and /dev/zero")
def test_fifo_and_dev_zero_in_the_input_folder_do_not_hang(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DOC, src / "good.txt")
    os.mkfifo(src / "pipe.txt")  # nobody ever writes: opening it would block for ever
    (src / "zero.txt").symlink_to("/dev/zero")  # reading it never ends
    proc = xxgk("batch", str(src), "--out", str(tmp_path / "out"), "--jobs", "2", "--format", "json")
    no_traceback(proc)
    assert proc.returncode == 1
    failed = [line for line in proc.stdout.splitlines() if line.startswith("失败：")]
    assert len(failed) == 2
    assert all("不是普通文件" in line for line in failed)
    assert {line.split("：")[1] for line in failed} == {str(src / "pipe.txt"), str(src / "zero.txt")}
    assert "评分1份，失败2份" in proc.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="needs FIFOs and /dev/zero")
def test_fifo_and_dev_zero_named_by_manifest_rows_do_not_hang(tmp_path):
    shutil.copy(DOC, tmp_path / "good.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    m = tmp_path / "manifest.csv"
    m.write_text(HEADER + "good.txt,,,,,\npipe.txt,,,,,\n/dev/zero,,,,,\n", encoding="utf-8")
    proc = xxgk("batch", str(m), "--out", str(tmp_path / "out"), "--jobs", "2", "--format", "json")
    no_traceback(proc)
    assert proc.returncode == 1
    failed = sorted(line for line in proc.stdout.splitlines() if line.startswith("失败："))
    assert failed == [f"失败：/dev/zero：LoadError: 不是普通文件（管道、设备或套接字），未读取",
                      f"失败：{tmp_path / 'pipe.txt'}：LoadError: 不是普通文件（管道、设备或套接字），未读取"]


# ---------------------------------------------------------------- odd manifests

@pytest.mark.parametrize("body,expected", [
    ("a.txt,甲局,99999999999999999999,,,\n", "第2行 report_year“99999999999999999999”年度不合理"),
    ("a.txt,甲局,2022,,,\nb.txt,乙局,2023²,,,\n", "第3行 report_year“2023²”不是整数年份"),
    ("a.txt,甲\x00局,2022,,,\n", "第2行含有空字符（NUL）"),
    ("a\x00.txt,甲局,2022,,,\n", "第2行含有空字符（NUL）"),
    ("a.txt,甲局,2022,,,\n\"b.txt,乙局,2023,,,\n", "第3行起引号未闭合"),
    ("a.txt,甲局,2022,,,\nb.txt,乙局,2023,,,,,\n", "第3行有8列，表头只有6列"),
])
def test_odd_manifest_rows_give_one_chinese_line(tmp_path, body, expected):
    m = tmp_path / "manifest.csv"
    m.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(ManifestError) as e:
        read_manifest(m)
    msg = str(e.value)
    assert expected in msg and msg.startswith(str(m)) and "\n" not in msg
    proc = xxgk("batch", str(m), "--out", str(tmp_path / "out"))
    no_traceback(proc)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"Error: {msg}"]


def test_manifest_cell_with_a_line_break_is_shown_on_one_line(tmp_path):
    m = tmp_path / "manifest.csv"
    m.write_text(HEADER + 'a.txt,甲局,2022,"2023-01-01\n后补",,\n', encoding="utf-8")
    with pytest.raises(ManifestError) as e:
        read_manifest(m)
    assert "\n" not in str(e.value) and "不是有效日期" in str(e.value)


# ---------------------------------------------------------------- long names

def _name(n_bytes: int, ext: str) -> str:
    stem_bytes = n_bytes - len(ext)
    stem = "年" * (stem_bytes // 3)
    return stem + "a" * (stem_bytes - len(stem.encode("utf-8"))) + ext


def test_file_names_of_244_to_250_bytes_are_scored(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    names = [_name(n, ".txt") for n in (244, 247, 250)] + [_name(255, ".md")]
    for name in names:
        assert len(name.encode("utf-8")) <= 255
        shutil.copy(DOC, src / name)
    out = tmp_path / "out"
    rep = run_batch(src, "core", out, jobs=2, timeout=120)
    assert rep.ok and len(rep.scored) == 4, rep.summary_lines()
    for o in rep.outcomes:
        assert len(o.outputs) == 4 and all((out / n).is_file() for n in o.outputs)
        assert all(len(n.encode("utf-8")) <= 255 for n in o.outputs)
    # the names that fit are kept whole; only the 255-byte one is cut (with a hash)
    keys = {o.key for o in rep.outcomes}
    assert {Path(n).stem for n in names[:3]} < keys
    cut = (keys - {Path(n).stem for n in names[:3]}).pop()
    assert Path(names[3]).stem.startswith(cut[:-9]) and 250 <= len((cut + ".docx").encode("utf-8")) <= 255
    assert not [p for p in out.rglob("*.tmp")]
    again = run_batch(src, "core", out, jobs=2)
    assert not again.worked  # their rerun state was written too


# ---------------------------------------------------------------- orphans

_PARENT = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from scorer.batch import run_batch, worker
    pids = Path(sys.argv[2])

    real = worker.score_document

    def stuck(source, *a, **k):  # each worker notes its pid, then hangs on its document
        if getattr(source, "path", source) == "<warm-up>":
            return real(source, *a, **k)  # the parent's warm-up
        (pids / str(os.getpid())).touch()
        time.sleep(300)

    worker.score_document = stuck
    run_batch(sys.argv[1], "core", sys.argv[3], jobs=2, timeout=None, formats=("json",))
""")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (OSError, IndexError):
        return False
    return state not in "ZX"  # a zombie has ended; only its reaping is left


@pytest.mark.skipif(not LINUX or "fork" not in __import__("multiprocessing").get_all_start_methods(),
                    reason="needs Linux /proc and fork")
def test_workers_die_with_their_parent(tmp_path):
    src, pids = tmp_path / "in", tmp_path / "pids"
    src.mkdir()
    pids.mkdir()
    shutil.copy(DOC, src / "a.txt")
    shutil.copy(DOC2, src / "b.txt")
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, str(src), str(pids), str(tmp_path / "out")], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while len(list(pids.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = [int(p.name) for p in pids.iterdir()]
        assert len(workers) == 2 and all(_alive(w) for w in workers)
    finally:
        parent.kill()  # SIGKILL: no clean-up code runs in the parent
        parent.wait()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert left == []


# ---------------------------------------------------------------- one batch per folder

def test_second_batch_into_the_same_folder_refuses(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DOC, src / "a.txt")
    out = tmp_path / "out"
    lock = open_output_folder(out)  # a batch at work in `out`
    if lock is None:
        pytest.skip("no flock here")
    try:
        proc = xxgk("batch", str(src), "--out", str(out), "--format", "json")
        no_traceback(proc)
        assert proc.returncode == 2
        assert proc.stderr.strip().splitlines() == [
            f"Error: {out}: 输出目录正被另一个批量评分任务使用，请等它结束或换一个输出目录"]
        assert not (out / "a.json").exists()
        assert xxgk("batch", str(src), "--out", str(tmp_path / "other"), "--format", "json").returncode == 0
    finally:
        lock.close()
    assert xxgk("batch", str(src), "--out", str(out), "--format", "json").returncode == 0


# ---------------------------------------------------------------- output folder not writable

def _make_read_only(folder: Path) -> bool:
    """Read-only for this user (root ignores permissions: use the immutable flag)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
    elif shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)],
                                                          capture_output=True).returncode != 0:
        return False
    try:
        (folder / "probe").touch()
    except OSError:
        return True
    (folder / "probe").unlink()
    _make_writable(folder)
    return False


def _make_writable(folder: Path) -> None:
    if os.geteuid() != 0:
        folder.chmod(0o755)
    else:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)


def test_read_only_output_folder_gives_one_line_and_exit_2(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DOC, src / "a.txt")
    out = tmp_path / "out"
    out.mkdir()
    if not _make_read_only(out):
        pytest.skip("cannot make a folder read-only here")
    try:
        proc = xxgk("batch", str(src), "--out", str(out), "--format", "json")
    finally:
        _make_writable(out)
    no_traceback(proc)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"Error: {out}: 无法写入输出目录（没有写入权限），请检查权限和磁盘空间，或换一个输出目录"]


def test_output_folder_turned_read_only_lists_every_failure_and_exits_1(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DOC, src / "a.txt")
    shutil.copy(DOC2, src / "b.txt")
    out = tmp_path / "out"
    (out / STATE_DIR).mkdir(parents=True)
    (out / STATE_DIR / "lock").touch()  # as a first run leaves them
    if not _make_read_only(out):
        pytest.skip("cannot make a folder read-only here")
    try:
        proc = xxgk("batch", str(src), "--out", str(out), "--format", "json", "--jobs", "2")
    finally:
        _make_writable(out)
    no_traceback(proc)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("共2份：评分0份，失败2份")
    assert f"失败：{src / 'a.txt'}：无法写入输出文件（没有写入权限）" in lines
    assert f"失败：{src / 'b.txt'}：无法写入输出文件（没有写入权限）" in lines
    assert lines[-1] == "失败：汇总表（scores.xlsx、scores.csv、summary.html）未能写入：没有写入权限"


def _small_files(limit: int):
    def apply() -> None:  # in the child: files may not grow past `limit` bytes
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE") or not hasattr(signal, "SIGXFSZ"),
                    reason="needs RLIMIT_FSIZE")
def test_output_that_cannot_grow_lists_every_failure_and_exits_1(tmp_path):
    # as on a full disk: the first bytes go in, the rest is refused
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DOC, src / "a.txt")
    shutil.copy(DOC2, src / "b.txt")
    out = tmp_path / "out"
    proc = xxgk("batch", str(src), "--out", str(out), "--jobs", "2", preexec_fn=_small_files(4096))
    no_traceback(proc)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("共2份：评分0份，失败2份")
    assert f"失败：{src / 'a.txt'}：无法写入输出文件（文件超过系统允许的大小）" in lines
    assert lines[-1] == "失败：汇总表（scores.xlsx、scores.csv、summary.html）未能写入：文件超过系统允许的大小"
    assert not list(out.glob("a.*")) and not list(out.rglob("*.tmp"))  # nothing half-written
    # with room again, the next run redoes them (nothing was recorded as done)
    again = xxgk("batch", str(src), "--out", str(out), "--jobs", "2")
    assert again.returncode == 0 and "评分2份，失败0份（其中0份未变化" in again.stdout
