"""Translator: a trained model with its source and target sides, saved as one folder.

    translator = Translator(model, source_side, target_side)
    translator.translate(["¿Dónde está la estación?"])            greedy search
    translator.translate(["…"], beam=5)                            beam search, width 5
    translator.save("spa_eng.translator")
    Translator.load("spa_eng.translator")

The folder (written into a temporary folder beside it and renamed into place,
so a reader never finds it half-written)::

    spa_eng.translator/
        translator.json     format, the settings of both sides (tokenizer kind,
                            max_length), their vocabulary fingerprints, and the
                            SHA-256 of model.seqlab
        model.seqlab        the model (seqlab.save_model)
        source.json         the source side: kind, max_length, vocabulary
        target.json         the target side

Loading checks that each side's file has the fingerprint recorded in
``translator.json`` and that ``model.seqlab`` is the file saved with them, so
a vocabulary copied from another translator fails with a message naming the
fingerprint and size the model expects.

Bad input (decisions): an unknown source token maps to the OOV id (1); an
empty source (no tokens) gives the empty translation (the decoder emits just
the end token); a source with more tokens than the source side's
``max_length`` is **refused** with a ValueError giving both counts — cutting
it would translate a different sentence without saying so.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import seqlab
from seqlab import checks
from seqlab.generate import Decoder
from seqlab.translate.sides import TextSide

__all__ = ["Translator", "TranslatorFileError"]

FORMAT, FORMAT_VERSION = "seqlab.translator", 1
INDEX, MODEL, SIDES = "translator.json", "model.seqlab", ("source", "target")


class TranslatorFileError(ValueError):
    """A translator folder that cannot be loaded: which file and why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _input_vocabulary(model: Any, name: str) -> int:
    """The vocabulary size of the Embedding that reads the model input ``name``."""
    for layer in model.layers:
        if layer.name == f"{name}_embedding":
            return layer.input_dim
    raise ValueError(f"Translator: the model has no layer '{name}_embedding' (build it with "
                     "seqlab.translate.build_model)")


class Translator:
    """``model`` (from :func:`~seqlab.translate.build_model`, trained) with the sides it
    was trained on. Each side's vocabulary must have the size of the model's embedding."""

    def __init__(self, model: Any, source: TextSide, target: TextSide):
        for name, side in zip(SIDES, (source, target)):
            if not isinstance(side, TextSide):
                raise TypeError(f"Translator: {name} must be a TextSide, got "
                                f"{type(side).__name__}")
            expected = _input_vocabulary(model, name)
            if expected != len(side):
                raise ValueError(f"Translator: the model's {name} embedding takes {expected} "
                                 f"token ids, but the {name} vocabulary has {len(side)} "
                                 f"(fingerprint {side.fingerprint}): it belongs to another model")
        self.model, self.source, self.target = model, source, target
        self.decoder = Decoder(model, start_token=target.start_id, end_token=target.end_id,
                               feedback="target_in")

    # ----------------------------------------------------------- translating
    def source_ids(self, text: str) -> list[int]:
        """The ids of one source sentence; too long a sentence is refused (module docstring)."""
        if not isinstance(text, str):
            raise TypeError(f"Translator: expected a source sentence (str), got "
                            f"{type(text).__name__}")
        ids = self.source.encode(text)
        if len(ids) > self.source.max_length:
            raise ValueError(f"Translator: the source has {len(ids)} {self.source.kind} tokens; "
                             f"this model takes at most {self.source.max_length} (refused, not "
                             f"cut): split the sentence")
        return ids

    def translate(self, texts: Sequence[str] | str, beam: int | None = None,
                  max_length: int | None = None) -> list[str]:
        """The translation of each text: greedy search, or beam search of width ``beam``
        (length penalty 1). ``max_length``: most target tokens generated, the end token
        included (default: the target side's max_length + 1)."""
        return [self.target.decode(h.tokens) for h in self.hypotheses(texts, beam, max_length)]

    def hypotheses(self, texts: Sequence[str] | str, beam: int | None = None,
                   max_length: int | None = None) -> list[Any]:
        """The best :class:`seqlab.generate.Hypothesis` of each text (token ids, log-prob)."""
        if isinstance(texts, str):
            texts = [texts]
        sources = [self.source_ids(t) for t in texts]
        if max_length is None:
            max_length = self.target.max_length + 1
        if beam is None:
            return self.decoder.greedy(sources, max_length=max_length)
        beam = checks.positive_int("Translator.translate", "beam", beam)
        return [best[0] for best in self.decoder.beam_search(sources, width=beam,
                                                             max_length=max_length)]

    # ------------------------------------------------------------ saving
    def save(self, path: str | os.PathLike) -> None:
        """Write the translator folder ``path`` (replacing one that is there)."""
        path = Path(path)
        if path.exists() and not (path / INDEX).is_file():
            raise FileExistsError(f"Translator.save: {str(path)!r} exists and is not a "
                                  "translator folder; not replacing it")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        try:
            self.model.save(tmp / MODEL)
            index = {"format": FORMAT, "version": FORMAT_VERSION,
                     "model_sha256": _sha256(tmp / MODEL)}
            for name, side in zip(SIDES, (self.source, self.target)):
                data = side.to_dict()
                (tmp / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False),
                                                  encoding="utf-8")
                index[name] = {k: data[k] for k in ("kind", "max_length", "fingerprint")}
                index[name]["tokens"] = len(side)
            (tmp / INDEX).write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
            old = None
            if path.exists():
                old = path.with_name(f".{path.name}.old")
                shutil.rmtree(old, ignore_errors=True)
                path.rename(old)
            tmp.rename(path)
            if old is not None:
                shutil.rmtree(old)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike) -> Translator:
        """Read a folder written by :meth:`save`; a TranslatorFileError says what is wrong."""
        path = Path(path)
        if not (path / INDEX).is_file():
            raise TranslatorFileError(f"{str(path)!r} is not a translator folder (no {INDEX}; "
                                      "save one with Translator.save)")
        index = _read_json(path / INDEX)
        if index.get("format") != FORMAT or index.get("version") != FORMAT_VERSION:
            raise TranslatorFileError(f"{path / INDEX}: expected format {FORMAT!r} version "
                                      f"{FORMAT_VERSION}, got {index.get('format')!r} version "
                                      f"{index.get('version')!r}")
        sides = []
        for name in SIDES:
            file = path / f"{name}.json"
            side = TextSide.from_dict(_read_json(file), str(file))
            expected = index.get(name, {})
            if side.fingerprint != expected.get("fingerprint"):
                raise TranslatorFileError(
                    f"{file}: this {name} vocabulary ({len(side)} tokens, fingerprint "
                    f"{side.fingerprint}) is not the one the model was trained with: it expects "
                    f"the {name} vocabulary of fingerprint {expected.get('fingerprint')} "
                    f"({expected.get('tokens')} tokens)")
            sides.append(side)
        if _sha256(path / MODEL) != index.get("model_sha256"):
            raise TranslatorFileError(f"{path / MODEL}: not the model saved with these "
                                      f"vocabularies (its SHA-256 differs from {INDEX}'s)")
        return cls(seqlab.load_model(path / MODEL, compile=False), *sides)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TranslatorFileError(f"{path}: missing from the translator folder") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TranslatorFileError(f"{path}: not valid UTF-8 JSON: {exc}") from None
