"""The IMDB word2vec corpus of the word2vec benchmark, tokenized once and cached.

All 100,000 reviews of ../shared/data/imdb (labeled train + test and the
unlabeled part), lower-cased, ``<br />`` dropped, tokens ``[a-z0-9']+``, one
review per line, written to ``<cache>/imdb_w2v_tokens.txt`` (about 23M tokens)
so later runs read the text file directly.
"""

from __future__ import annotations

import os
import re
import tarfile
import tempfile
from pathlib import Path

SHARED_IMDB = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "imdb"
ARCHIVES = ("aclImdb_v1_labeled.tar.gz", "aclImdb_v1_unsup.tar.gz")
_TOKEN = re.compile(r"[a-z0-9']+")


def default_cache_dir() -> Path:
    root = os.environ.get("SEQLAB_CACHE") or os.path.join(tempfile.gettempdir(), "seqlab-cache")
    return Path(root)


def review_tokens(text: str) -> list[str]:
    """Lower-case, drop ``<br />``, keep ``[a-z0-9']+`` tokens."""
    return _TOKEN.findall(text.lower().replace("<br />", " "))


def imdb_token_file(cache_dir: Path | None = None, data_dir: Path = SHARED_IMDB) -> Path:
    """Path of the cached token file, building it on the first call."""
    cache_dir = Path(cache_dir or default_cache_dir())
    target = cache_dir / "imdb_w2v_tokens.txt"
    if target.exists():
        return target
    missing = [name for name in ARCHIVES if not (data_dir / name).exists()]
    if missing:
        raise FileNotFoundError(f"IMDB archives not found in {data_dir}: {missing}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8") as out:
        for name in ARCHIVES:
            with tarfile.open(data_dir / name, "r:gz") as tar:
                for member in tar:
                    parts = member.name.split("/")
                    if not member.isfile() or not member.name.endswith(".txt"):
                        continue
                    if len(parts) != 4 or parts[2] not in ("pos", "neg", "unsup"):
                        continue  # skip urls_*.txt, README, vocab files
                    text = tar.extractfile(member).read().decode("utf-8")
                    out.write(" ".join(review_tokens(text)) + "\n")
    os.replace(tmp, target)
    return target


def head_file(path: Path, max_tokens: int) -> Path:
    """A cached copy of the first lines of ``path`` holding about ``max_tokens`` tokens."""
    target = path.with_name(f"{path.stem}.head{max_tokens}.txt")
    if target.exists():
        return target
    total = 0
    tmp = target.with_suffix(".part")
    with open(path, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as out:
        for line in src:
            if total >= max_tokens:
                break
            out.write(line)
            total += len(line.split())
    os.replace(tmp, target)
    return target
