"""Sentence pairs for translation: Tatoeba sentences (CC-BY 2.0 France) as
manythings.org/anki distributes them.

Format: UTF-8, one pair per line, tab-separated: the English sentence, its
translation, and — in the releases since 2019 — a third column with the
attribution (``CC-BY 2.0 (France) Attribution: tatoeba.org #… & #…``), which is
not returned. Blank lines are skipped. A line with another number of columns,
or with an empty side, is an error naming the file and the line. Sentences are
returned as in the file.

Named sets, each a zip holding ``<lang>-eng/<lang>.txt`` and ``_about.txt``:

* ``"kor-eng"`` — ``translation/kor-eng.zip``; the project's copy is the
  2023-02-20 release (5,749 pairs, 3 columns);
* ``"spa-eng"`` — ``translation/spa-eng.zip``; the project's copy is the
  2018-05-13 release (118,964 pairs, 2 columns), the file of the TensorFlow
  translation tutorial and of the book's 2nd edition, downloaded from there.

No checksums: manythings replaces its zips with each new release, and the
tutorial's copy publishes none. Any other pair file (``fra.txt``, a
``fra-eng.zip``, …) loads by its path.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from seqlab import checks
from seqlab.datasets.archives import decoded_lines, open_binary
from seqlab.datasets.download import DataFile, locate
from seqlab.datasets.errors import DataFormatError, DatasetNotFoundError
from seqlab.datasets.registry import Dataset

__all__ = ["DATASETS", "PAIR_SETS", "load_pairs"]

PAIR_SETS = {
    "kor-eng": DataFile("translation/kor-eng.zip", None,
                        "https://www.manythings.org/anki/kor-eng.zip",
                        "manythings' current release (replaced in place, no checksum)"),
    "spa-eng": DataFile("translation/spa-eng.zip", None,
                        "https://storage.googleapis.com/download.tensorflow.org/data/spa-eng.zip",
                        "the TensorFlow tutorial's copy of the 2018-05-13 release (no checksum)"),
}
_PAIR_MEMBER = r"(?:^|/)[^/_][^/]*\.txt$"  # <lang>.txt, not _about.txt


def _source(name_or_path: str | os.PathLike, path: str | os.PathLike | None) -> Path:
    if isinstance(name_or_path, str) and name_or_path in PAIR_SETS:
        return locate(PAIR_SETS[name_or_path], path=path)
    if path is not None:
        raise ValueError(f"load_pairs: path= gives the file of a named set ({list(PAIR_SETS)}); "
                         f"{name_or_path!r} is not one of them: pass the file as the first "
                         "argument")
    source = Path(name_or_path)
    if not source.is_file():
        raise DatasetNotFoundError(f"load_pairs: {str(name_or_path)!r} is neither a named pair "
                                   f"set ({', '.join(PAIR_SETS)}) nor an existing file")
    return source


def load_pairs(name_or_path: str | os.PathLike, reverse: bool = False,
               path: str | os.PathLike | None = None) -> list[tuple[str, str]]:
    """(English, other) pairs, in file order; ``reverse=True`` gives (other, English).

    ``name_or_path``: a named set (``"kor-eng"``, ``"spa-eng"``) or a pair file
    (``.txt``, ``.txt.gz``, or a zip holding one ``<lang>.txt``); ``path``
    overrides the file of a named set.
    """
    reverse = checks.choice("load_pairs", "reverse", reverse, (False, True))
    source = _source(name_or_path, path)
    pairs = []
    with open_binary(source, member=_PAIR_MEMBER) as stream:
        for number, line in decoded_lines(stream, source):
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) not in (2, 3):
                raise DataFormatError(f"{source}: line {number}: expected 2 or 3 tab-separated "
                                      f"columns (English, translation[, attribution]), got "
                                      f"{len(fields)}: {line[:80]!r}")
            english, other = fields[0], fields[1]
            for side, text in (("English", english), ("translated", other)):
                if not text.strip():
                    raise DataFormatError(f"{source}: line {number}: the {side} side is empty: "
                                          f"{line[:80]!r}")
            pairs.append((other, english) if reverse else (english, other))
    if not pairs:
        raise DataFormatError(f"{source}: the file holds no sentence pairs")
    return pairs


DATASETS = tuple(
    Dataset(name=name,
            summary=f"Tatoeba {name} sentence pairs via manythings.org/anki (CC-BY 2.0 France)",
            files=(file,), loader=functools.partial(load_pairs, name))
    for name, file in PAIR_SETS.items()
)
