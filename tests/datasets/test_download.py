"""Finding files in the data folders, downloading them into the cache, verifying them."""

from __future__ import annotations

import hashlib
import io
import os
import urllib.error
import urllib.request

import pytest

from seqlab.datasets import ChecksumError, DataFile, DatasetNotFoundError, download, shakespeare
from seqlab.datasets.download import locate, sha256_of


def _put(folder, relative, text="x"):
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_search_order_seqlab_data_first_then_shared_then_cache(monkeypatch, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("SEQLAB_DATA", os.pathsep.join([str(first), str(second)]))
    dirs = download.search_dirs()
    assert dirs[:2] == [first, second]
    assert dirs[2].parts[-2:] == ("shared", "data")
    assert dirs[3] == download.cache_dir() == tmp_path / "cache"


def test_an_earlier_folder_wins_and_alternatives_are_tried_in_order(tmp_path):
    preferred, fallback = DataFile("x/original.txt"), DataFile("x/copy.txt.gz")
    early, late = tmp_path / "early", tmp_path / "late"
    copy_early = _put(early, "x/copy.txt.gz")
    original_late = _put(late, "x/original.txt")
    assert locate([preferred, fallback], dirs=[early, late]) == copy_early
    original_early = _put(early, "x/original.txt")
    assert locate([preferred, fallback], dirs=[early, late]) == original_early
    assert locate("x/original.txt", dirs=[late]) == original_late


def test_explicit_path_is_used_as_given(tmp_path):
    given = _put(tmp_path, "mine.bin")
    assert locate(DataFile("imdb/aclImdb_v1.tar.gz"), path=given) == given
    with pytest.raises(DatasetNotFoundError, match="missing.bin' does not exist"):
        locate("a/b", path=tmp_path / "missing.bin")
    with pytest.raises(IsADirectoryError, match="is a directory; expected a file"):
        locate("a/b", path=tmp_path)
    with pytest.raises(TypeError, match="non-empty sequence of DataFile"):
        locate([], dirs=[tmp_path])


def test_missing_offline_says_which_file_to_put_where(offline):
    with pytest.raises(DatasetNotFoundError) as info:
        shakespeare.load_tiny_shakespeare()
    message = str(info.value)
    assert "'tinyshakespeare/input.txt' or 'tinyshakespeare/input.txt.gz' not found" in message
    assert str(offline) in message and "SEQLAB_DATA is not set" in message
    assert str(offline / "tinyshakespeare" / "input.txt") in message  # the example location
    assert "set SEQLAB_DATA to a folder that holds it" in message
    assert "https://raw.githubusercontent.com/karpathy/char-rnn" in message
    assert "network is unreachable" in message
    assert not download.cache_dir().exists() or not any(download.cache_dir().rglob("*.txt"))


def test_a_file_without_url_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SEQLAB_DATA", str(tmp_path / "mine"))
    with pytest.raises(DatasetNotFoundError, match=r"'only/local\.csv' not found\. Looked in "
                       r"these folders \(SEQLAB_DATA='.*mine'\)"):
        locate("only/local.csv", dirs=[tmp_path / "mine"])


def _published(tmp_path, payload: bytes, sha256: str | None) -> DataFile:
    source = tmp_path / "published" / "input.txt"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(payload)
    return DataFile("tinyshakespeare/input.txt", sha256, source.as_uri())


def test_download_into_the_cache_is_verified_and_then_found_locally(
        tmp_path, monkeypatch, capsys, offline):
    payload = "First Citizen:\n난 널 사랑해\n".encode()
    monkeypatch.setattr(urllib.request, "urlopen", _real_urlopen)
    good = _published(tmp_path, payload, hashlib.sha256(payload).hexdigest())
    monkeypatch.setattr(shakespeare, "FILES", (good,))
    assert shakespeare.load_tiny_shakespeare() == payload.decode()
    cached = download.cache_dir() / "tinyshakespeare" / "input.txt"
    assert cached.read_bytes() == payload
    out, err = capsys.readouterr()
    assert out == "" and "downloading" in err and good.url in err  # progress goes to stderr
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)
    assert shakespeare.load_tiny_shakespeare() == payload.decode()  # from the cache now


def test_wrong_checksum_is_an_error_and_leaves_no_file(tmp_path, monkeypatch, offline):
    monkeypatch.setattr(urllib.request, "urlopen", _real_urlopen)
    bad = _published(tmp_path, b"tampered", "0" * 64)
    monkeypatch.setattr(shakespeare, "FILES", (bad,))
    with pytest.raises(ChecksumError, match=r"checksum mismatch for file:.*expected sha256 0{64}, "
                       r"got [0-9a-f]{64}; the download was discarded"):
        shakespeare.load_tiny_shakespeare()
    assert os.listdir(download.cache_dir() / "tinyshakespeare") == []


def test_a_cut_off_download_leaves_no_file(monkeypatch, tmp_path, offline):
    def cut_off(url, timeout):
        response = io.BytesIO(b"only 20 bytes here..")
        response.headers = {"Content-Length": "100"}
        return response

    monkeypatch.setattr(urllib.request, "urlopen", cut_off)
    monkeypatch.setattr(shakespeare, "FILES", (DataFile("t/input.txt", None, "https://x/y"),))
    with pytest.raises(DatasetNotFoundError, match="cut off after 20 of 100 bytes"):
        shakespeare.load_tiny_shakespeare()
    assert os.listdir(download.cache_dir() / "t") == []


def test_without_a_published_checksum_the_digest_is_printed(tmp_path, monkeypatch, capsys):
    file = _published(tmp_path, b"abc", None)
    target = download.download(file.url, tmp_path / "out" / "abc.txt")
    assert target.read_bytes() == b"abc"
    assert f"its sha256 is {sha256_of(target)}" in capsys.readouterr().err


_real_urlopen = urllib.request.urlopen


def _no_network(url, *args, **kwargs):
    raise urllib.error.URLError("network is unreachable")
