"""Damaged and hostile model files: each is refused with ModelFileError (or, for a
flipped bit that changes nothing that matters, loads the very same model), and
nothing big is allocated on the word of the file."""

from __future__ import annotations

import json
import struct
import zipfile

import numpy as np
import pytest

import seqlab
from seqlab.layers.core import Dense
from seqlab.layers.embedding import Embedding
from seqlab.models import ModelFileError, Sequential, load_model

INVALID = r"^file '.*' is not a valid seqlab model: "


@pytest.fixture
def saved(tmp_path):
    """A small trained model (with optimizer state) saved to ``m.seqlab``."""
    seqlab.set_random_seed(0)
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile("adam", "mse")
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    path = tmp_path / "m.seqlab"
    model.save(path)
    return model, path


def _entries(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _write(path, entries: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> None:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)


def _edit_config(path, edit) -> None:
    entries = _entries(path)
    config = json.loads(entries["config.json"])
    edit(config)
    entries["config.json"] = json.dumps(config).encode()
    _write(path, entries)


# ---------------------------------------------------------------- paths
def test_a_directory_or_a_missing_file(tmp_path, saved):
    model, _ = saved
    with pytest.raises(IsADirectoryError, match="is a directory, not a file"):
        load_model(tmp_path)
    with pytest.raises(IsADirectoryError, match="is a directory"):
        model.load_weights(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such file .*missing.seqlab"):
        load_model(tmp_path / "missing.seqlab")


# ---------------------------------------------------------- damaged bytes
@pytest.mark.parametrize("damage, reason", [
    (lambda blob: b"", "not a zip archive"),
    (lambda blob: bytes(range(256)) * 4, "not a zip archive"),
    (lambda blob: blob[:len(blob) // 2], "cut short or damaged"),
    (lambda blob: blob[:-10], "cut short or damaged"),
    (lambda blob: b"XK" + blob[2:], "entry 'config.json' is damaged"),
])
def test_truncated_garbage_and_wrong_magic(saved, damage, reason):
    _, path = saved
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ModelFileError, match=INVALID + ".*" + reason):
        load_model(path)


def _structure_bytes(path) -> list[int]:
    """Positions of the zip's own records (local headers with their names, the
    central directory and its end record): everything but the entries' data."""
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        directory_start = zf.start_dir
    positions = []
    for info in infos:
        header = 30 + len(info.filename.encode())
        positions += range(info.header_offset, info.header_offset + header)
    positions += range(directory_start, path.stat().st_size)
    return positions


def test_every_flipped_bit_is_refused_or_harmless(saved, tmp_path):
    """Flip each bit of the zip records and one bit of every data byte: the load
    fails with ModelFileError or gives the very same model (never a raw error,
    never a different model). A flip in the entries' data is always refused
    (the CRC-32 sees it)."""
    model, path = saved
    blob = path.read_bytes()
    x = np.linspace(-1, 1, 12).reshape(4, 3)
    expected = model.predict(x)
    structure = set(_structure_bytes(path))
    flips = [(pos, bit) for pos in sorted(structure) for bit in range(8)]
    flips += [(pos, pos % 8) for pos in range(len(blob)) if pos not in structure]
    damaged = tmp_path / "flipped.seqlab"
    loaded_same = []
    for pos, bit in flips:
        changed = bytearray(blob)
        changed[pos] ^= 1 << bit
        damaged.write_bytes(changed)
        try:
            loaded = load_model(damaged)
        except ModelFileError as exc:
            assert str(exc).startswith(f"file {str(damaged)!r} is not a valid seqlab model: ")
            continue
        np.testing.assert_array_equal(loaded.predict(x), expected, err_msg=f"byte {pos}")
        loaded_same.append(pos)
    assert loaded_same and structure.issuperset(loaded_same)  # e.g. a time stamp


def test_compressed_entries_are_refused_so_nothing_inflates(saved, tmp_path):
    _, path = saved
    entries = _entries(path)
    bomb = dict(entries)
    bomb["config.json"] = entries["config.json"] + b" " * (20 << 20)  # valid JSON, 20 MB
    _write(tmp_path / "bomb.seqlab", bomb, zipfile.ZIP_DEFLATED)
    assert (tmp_path / "bomb.seqlab").stat().st_size < 100_000
    with pytest.raises(ModelFileError, match=INVALID + r"entry 'config.json' is compressed "
                                                       r"\(zip method 8\)"):
        load_model(tmp_path / "bomb.seqlab")
    _write(tmp_path / "bz.seqlab", entries, zipfile.ZIP_BZIP2)
    with pytest.raises(ModelFileError, match=r"is compressed \(zip method 12\)"):
        load_model(tmp_path / "bz.seqlab")


def test_an_entry_larger_than_the_file_is_refused(saved):
    """The central directory claims 2 GiB for the weights (stored and unpacked
    sizes at offsets 20 and 24 of the entry's record): refused before reading."""
    _, path = saved
    blob = bytearray(path.read_bytes())
    name = b"model.weights.safetensors"
    with zipfile.ZipFile(path) as zf:
        record = zf.start_dir  # the first central directory record
    while blob[record + 46:record + 46 + len(name)] != name:
        record = blob.index(b"PK\x01\x02", record + 4)
    blob[record + 20:record + 28] = struct.pack("<II", 2**31, 2**31)
    path.write_bytes(bytes(blob))
    with pytest.raises(ModelFileError, match=r"entry 'model.weights.safetensors' claims "
                                             r"2,147,483,648 bytes .* in a file of"):
        load_model(path)


# -------------------------------------------------- hostile or edited contents
def test_a_config_asking_for_huge_weights_is_refused_before_allocating(saved):
    _, path = saved

    def huge(config):
        config["model"]["config"]["layers"][0] = {
            "class_name": "Embedding",
            "config": {"input_dim": 10**12, "output_dim": 10**6, "name": "embedding"}}

    _edit_config(path, huge)
    assert path.stat().st_size < 20_000
    with pytest.raises(ModelFileError, match=INVALID + r"its model config asks for more weight "
                                                       r"values than the file holds: a weight "
                                                       r"of shape \(1000000000000, 1000000\)"):
        load_model(path)


def test_a_config_asking_for_a_bit_more_is_refused_too(saved):
    """Dense(2) -> Dense(40): 160 values where the file holds 8 (no 400 MB case is
    needed to show the limit: it is the file's own count, not a size threshold)."""
    _, path = saved
    _edit_config(path, lambda c: c["model"]["config"]["layers"][0]["config"].update(units=40))
    with pytest.raises(ModelFileError, match=r"more weight values than the file holds: a "
                                             r"weight of shape \(3, 40\) needs 120 values, "
                                             r"but only 8 of the 8 allowed are left"):
        load_model(path)


def test_a_safetensors_header_claiming_a_huge_shape(saved):
    _, path = saved
    entries = _entries(path)
    blob = entries["model.weights.safetensors"]
    size = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + size])
    name = next(k for k in header if k != "__metadata__")
    header[name]["shape"] = [10**12, 10**6]
    text = json.dumps(header).encode()
    entries["model.weights.safetensors"] = struct.pack("<Q", len(text)) + text + blob[8 + size:]
    _write(path, entries)
    with pytest.raises(ModelFileError, match=INVALID + r"'model.weights.safetensors' is not "
                                                       r"valid safetensors data"):
        load_model(path)


def test_a_config_that_changes_a_weight_shape(tmp_path):
    seqlab.set_random_seed(0)
    model = Sequential([Embedding(20, 4, input_shape=(6,)), Dense(1)])
    model.save(tmp_path / "m.seqlab")
    _edit_config(tmp_path / "m.seqlab",
                 lambda c: c["model"]["config"]["layers"][0]["config"].update(output_dim=3))
    with pytest.raises(ModelFileError, match=r"weight 'embedding.*/embeddings' has shape "
                                             r"\(20, 4\) in the file, the model expects "
                                             r"\(20, 3\)"):
        load_model(tmp_path / "m.seqlab")


@pytest.mark.parametrize("edit, reason", [
    (lambda c: c.update(format="keras"), "'config.json' is not a seqlab model config"),
    (lambda c: c.update(format_version=99), "format version 99 is not supported"),
    (lambda c: c["model"].update(class_name="Functional"), "unknown model class 'Functional'"),
    (lambda c: c.update(model=[1, 2]), r"unknown model class \[1, 2\]"),
    (lambda c: c["model"]["config"].update(layers=[{"class_name": "Dense"}]),
     r"bad model config \((ValueError|TypeError): "),
    (lambda c: c["model"]["config"].update(layers=[{"class_name": "Dense", "config": {}}]),
     r"bad model config \(TypeError"),
    (lambda c: c["model"]["config"]["layers"][0]["config"].update(units="two"),
     "bad model config"),
    (lambda c: c["compile"].pop("loss"), r"bad compile settings \(KeyError: 'loss'\)"),
    (lambda c: c["compile"].update(optimizer={"class_name": "Nope"}), "bad compile settings"),
    (lambda c: c.update(rng_states={"dense": {"bit_generator": "Nope"}}),
     "bad random generator state"),
    (lambda c: c.update(rng_states=[1]), "bad random generator state"),
    (lambda c: c.update(shuffle_seed=-3), "shuffle seed must be an int >= 0 or null, got -3"),
])
def test_edited_configs(saved, edit, reason):
    _, path = saved
    _edit_config(path, edit)
    with pytest.raises(ModelFileError, match=INVALID + ".*" + reason):
        load_model(path)


def test_config_that_is_not_json_or_nests_too_deep(saved):
    _, path = saved
    entries = _entries(path)
    for text, reason in ((b"\xff\xfe", "not valid JSON"), (b"[" * 100_000, "not valid JSON"),
                         (b'{"format": "seqlab.model"', "not valid JSON")):
        _write(path, dict(entries, **{"config.json": text}))
        with pytest.raises(ModelFileError, match=INVALID + "'config.json' is " + reason):
            load_model(path)


def test_bad_optimizer_state(saved):
    _, path = saved
    entries = _entries(path)
    _write(path, dict(entries, **{"optimizer.safetensors": b"\x00" * 7}))
    with pytest.raises(ModelFileError, match="'optimizer.safetensors' is not valid safetensors"):
        load_model(path)


# ------------------------------------------------------------- weights files
def test_load_weights_from_damaged_files(saved, tmp_path):
    model, path = saved
    weights = tmp_path / "w.safetensors"
    model.save_weights(weights)
    blob = weights.read_bytes()
    for damaged in (blob[:-5], b"garbage!" * 10, blob[:8]):
        weights.write_bytes(damaged)
        with pytest.raises(ModelFileError, match=r"is not a valid seqlab weights file: the file "
                                                 r"is not valid safetensors data"):
            model.load_weights(weights)
    path.write_bytes(path.read_bytes()[:-30])  # a cut model file
    with pytest.raises(ModelFileError, match=INVALID + "it is not a zip archive"):
        model.load_weights(path)
