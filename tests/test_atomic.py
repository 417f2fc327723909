import os
import stat

import pytest

from seqlab.atomic import atomic_write
from seqlab.data.download import download, sha256_of


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
