import errno
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading

import pytest

from seqlab import atomic
from seqlab.atomic import atomic_write, check_writable
from seqlab.datasets.download import download, sha256_of


def test_writes_whole_file_with_usual_permissions(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_write(target, "w") as fh:
        fh.write("난 널 사랑해\n")
    assert target.read_text(encoding="utf-8") == "난 널 사랑해\n"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert os.listdir(tmp_path) == ["out.txt"]


def test_error_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "model.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="boom"), atomic_write(target) as fh:
        fh.write(b"half")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["model.bin"]


def test_bad_targets_are_named(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a directory"), atomic_write(tmp_path):
        pass
    missing = tmp_path / "missing" / "x.bin"
    with pytest.raises(FileNotFoundError, match="does not exist"), atomic_write(missing):
        pass
    with pytest.raises(ValueError, match="mode must be"), atomic_write(tmp_path / "x", "a"):
        pass


def test_download_verifies_the_checksum_before_the_file_appears(tmp_path):
    source = tmp_path / "src.bin"
    source.write_bytes(b"dataset bytes" * 1000)
    url = source.as_uri()
    good = tmp_path / "cache" / "good.bin"
    download(url, good, sha256_of(source))
    assert good.read_bytes() == source.read_bytes()
    bad = tmp_path / "cache" / "bad.bin"
    with pytest.raises(ValueError, match="checksum mismatch"):
        download(url, bad, "0" * 64)
    assert sorted(os.listdir(tmp_path / "cache")) == ["good.bin"]


# ------------------------------------------------------------ check_writable
def test_check_writable_names_what_and_where(tmp_path):
    assert check_writable(tmp_path / "new.csv", "log") == (tmp_path / "new.csv").absolute()
    assert os.listdir(tmp_path) == []  # the probe is gone
    with pytest.raises(IsADirectoryError, match=r"cannot write the log '.*': it is a directory"):
        check_writable(tmp_path, "log")
    with pytest.raises(FileNotFoundError, match=r"the log '.*missing.*': its directory .* does "
                                                r"not exist"):
        check_writable(tmp_path / "missing" / "x.csv", "log")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="file permissions do not stop root (or non-POSIX systems)")
def test_check_writable_read_only_folder_and_file(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "old.csv").write_text("x")
    (folder / "old.csv").chmod(0o444)
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError, match="does not accept new files"):
            check_writable(folder / "new.csv")
        with pytest.raises(PermissionError, match="does not accept new files"), \
                atomic_write(folder / "new.csv"):
            pass
    finally:
        folder.chmod(0o755)
    with pytest.raises(PermissionError, match="read-only"):
        check_writable(folder / "old.csv")


def test_check_writable_refused_folder(tmp_path, monkeypatch):
    def refuse(**kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / ".x.probe"))

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    with pytest.raises(PermissionError, match=r"cannot write the report '.*out.html': its "
                                              r"directory does not accept new files"):
        check_writable(tmp_path / "out.html", "report")


# ------------------------------------------------- errors name the target
def test_errors_name_the_target_not_the_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "m.seqlab"

    def refuse(dir, prefix, suffix):
        raise PermissionError(13, "Permission denied", os.path.join(dir, prefix + "ab12cd34" +
                                                                   suffix))

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    with pytest.raises(PermissionError) as info, atomic_write(target):
        pass
    assert str(info.value) == f"cannot write {str(target)!r}: Permission denied"
    assert info.value.errno == errno.EACCES
    monkeypatch.undo()

    def no_rename(src, dst):
        raise IsADirectoryError(21, "Is a directory", src, dst)

    monkeypatch.setattr(atomic.os, "replace", no_rename)
    with pytest.raises(IsADirectoryError) as info, atomic_write(target) as fh:
        fh.write(b"data")
    assert ".tmp" not in str(info.value) and str(target) in str(info.value)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_disk_full_names_the_target_and_other_errors_pass_unchanged(tmp_path):
    target = tmp_path / "out.bin"
    with pytest.raises(OSError, match=r"cannot write '.*out.bin': No space left") as info, \
            atomic_write(target):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert info.value.errno == errno.ENOSPC
    other = tmp_path / "input.txt"
    with pytest.raises(FileNotFoundError) as info, atomic_write(target):
        other.read_bytes()  # an error about another file keeps its own message
    assert info.value.filename == str(other)
    assert os.listdir(tmp_path) == []


# ----------------------------------------------------------------- orphans
def _orphan(folder, target_name: str, random: str = "k2j3x9qa") -> str:
    path = folder / f".{target_name}.{random}.tmp"
    path.write_bytes(b"half a file")
    return str(path)


@pytest.mark.skipif(atomic.fcntl is None, reason="orphans are only recognised with fcntl")
def test_orphans_of_the_target_are_removed_live_ones_kept(tmp_path):
    target = tmp_path / "m.seqlab"
    dead = _orphan(tmp_path, "m.seqlab")
    other = _orphan(tmp_path, "other.seqlab")
    alike = tmp_path / ".m.seqlab.backup.tmp"  # not a name atomic_write makes
    alike.write_bytes(b"mine")
    live = _orphan(tmp_path, "m.seqlab", "livewrit")
    with open(live, "rb") as held:
        atomic.fcntl.flock(held.fileno(), atomic.fcntl.LOCK_EX)  # a writer at work
        with atomic_write(target) as fh:
            fh.write(b"new")
        assert sorted(os.listdir(tmp_path)) == sorted(
            [".m.seqlab.backup.tmp", os.path.basename(live), os.path.basename(other),
             "m.seqlab"])
    assert not os.path.exists(dead) and target.read_bytes() == b"new"
    assert atomic.remove_orphans(target) == [live]  # its writer let go


_KILLED_WRITER = """
import sys, time
from seqlab.atomic import atomic_write
with atomic_write(sys.argv[1]) as fh:
    fh.write(b"half")
    fh.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


@pytest.mark.skipif(atomic.fcntl is None, reason="orphans are only recognised with fcntl")
def test_a_killed_writer_leaves_an_orphan_that_the_next_write_removes(tmp_path):
    target = tmp_path / "m.seqlab"
    root = os.path.dirname(os.path.dirname(os.path.abspath(atomic.__file__)))
    env = dict(os.environ, PYTHONPATH=root)
    child = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(target)], env=env,
                             stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline() == b"writing\n"
        with atomic_write(target) as fh:  # the other writer is alive: its file stays
            fh.write(b"first")
        assert len([n for n in os.listdir(tmp_path) if n.endswith(".tmp")]) == 1
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    assert len([n for n in os.listdir(tmp_path) if n.endswith(".tmp")]) == 1  # the orphan
    with atomic_write(target) as fh:
        fh.write(b"second")
    assert os.listdir(tmp_path) == ["m.seqlab"] and target.read_bytes() == b"second"


@pytest.mark.skipif(atomic.fcntl is None, reason="orphans are only recognised with fcntl")
def test_a_temp_file_removed_before_its_lock_is_replaced(tmp_path, monkeypatch):
    made = []
    real_mkstemp = tempfile.mkstemp

    def cleaned_at_once(**kwargs):
        fd, path = real_mkstemp(**kwargs)
        made.append(path)
        if len(made) == 1:
            os.unlink(path)  # a cleaner took it for an orphan before it was locked
        return fd, path

    monkeypatch.setattr(atomic.tempfile, "mkstemp", cleaned_at_once)
    with atomic_write(tmp_path / "x.bin") as fh:
        fh.write(b"whole")
    assert len(made) == 2 and (tmp_path / "x.bin").read_bytes() == b"whole"
    assert os.listdir(tmp_path) == ["x.bin"]


def test_concurrent_writers_of_one_target(tmp_path):
    target = tmp_path / "shared.bin"
    payloads = [bytes([i]) * 200_000 for i in range(4)]
    errors = []

    def write(i: int) -> None:
        try:
            for _ in range(15):
                with atomic_write(target) as fh:
                    fh.write(payloads[i][:100_000])
                    fh.write(payloads[i][100_000:])
        except OSError as exc:  # collected: a thread's exception would be lost
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert target.read_bytes() in payloads
    assert os.listdir(tmp_path) == ["shared.bin"]
