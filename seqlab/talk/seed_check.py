"""Check the worked example against the numbers the seed talk prints.

The talk's spreadsheet shows its weights and results rounded to 10
significant digits; it computed the results from the unrounded weights. So a
result recomputed from the *printed* weights can differ from the printed
result in the 10th digit. How much is allowed, to first order, for a printed
result y computed from printed weights θ_i:

    |y_ours − y_talk| ≤ Σ_i |∂y/∂θ_i| · δ_i + δ_y

where δ = half a unit in the 10th significant digit (the rounding of each
printed number). :func:`compare_with_talk` reports, for every printed number,
whether it matches digit for digit and whether any difference stays within
that bound. The ∂y/∂θ_i come from central differences (the function is smooth
and the steps tiny compared with the weights).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from seqlab.talk.seed import LOOP_NAMES, SeedWeights, forward, seed_example

# The talk's three loops as printed (tab-separated, as in the seed text).
TALK_TABLES = """\
첫번째 루프
state(S)\tW * X(I)\tU * S\tWX + US + B\ttanh(WX+US+B) (O)\tsoftmax(O[0])
0\t0.5344613383\t0\t1.174211994\t0.8256177525\t0.3509740057 난
0\t0.005400196945\t0\t0.9534825\t0.7413555946\t0.3226118845 널
0\t0.3359488417\t0\t0.9800150977\t0.7530724405\t0.3264141098 사랑해
두번째 루프
state(S)\tW * X(I)\tU * S\tWX + US + B\ttanh(WX+US+B) (O)\tsoftmax(O[0])
0.8256177525\t0.5344613383\t0.8393906351\t2.013602629\t0.9649761201\t0.3305215335 난
0.7413555946\t0.005400196945\t1.306385235\t2.259867735\t0.9784509017\t0.3350053806 널
0.7530724405\t0.3359488417\t1.243851871\t2.223866968\t0.9768607239\t0.3344730858 사랑해
세번째 루프
state(S)\tW * X(I)\tU * S\tWX + US + B\ttanh(WX+US+B) (O)\tsoftmax(O[0])
0.9649761201\t0.5344613383\t1.086107428\t2.260319422\t0.9784701503\t0.3311340611 난
0.9784509017\t0.005400196945\t1.61490504\t2.56838754\t0.988315444\t0.3344102744 널
0.9768607239\t0.3359488417\t1.594248334\t2.574263432\t0.9884511664\t0.3344556645 사랑해
"""

TALK_COLUMNS: tuple[str, ...] = (
    "state(S)", "W * X(I)", "U * S", "WX + US + B", "tanh(WX+US+B) (O)", "softmax(O)")

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")


def parse_talk_tables(text: str) -> dict[int, list[list[str]]]:
    """The loop tables of ``text`` (the seed talk, or a copy of its tables):
    loop index (0-based) → 3 rows of 6 printed numbers (as strings).

    A table starts at a line beginning with a loop name (첫번째 루프 ...), then a
    header line starting with "state(S)", then one line per unit. Tables
    printed more than once must agree; a disagreement raises ValueError.
    """
    lines = [ln.strip() for ln in text.splitlines()]
    found: dict[int, list[list[str]]] = {}
    for i, line in enumerate(lines):
        loop = next((k for k, name in enumerate(LOOP_NAMES) if line.startswith(name)), None)
        if loop is None or i + 1 >= len(lines) or not lines[i + 1].startswith("state(S)"):
            continue
        rows = []
        for row_line in lines[i + 2:i + 5]:
            cells = [c.split(" ")[0] for c in row_line.split("\t") if c.strip()]
            numbers = [c for c in cells if _NUMBER.match(c)]
            if len(numbers) != len(TALK_COLUMNS):
                raise ValueError(f"talk table {LOOP_NAMES[loop]}: expected {len(TALK_COLUMNS)} "
                                 f"numbers per row, got {row_line!r}")
            rows.append(numbers)
        if loop in found and found[loop] != rows:
            raise ValueError(f"talk table {LOOP_NAMES[loop]} is printed twice with different "
                             "numbers")
        found[loop] = rows
    return found


def half_unit(value: float, digits: int = 10) -> float:
    """Half a unit in the ``digits``-th significant digit of ``value`` (0 for 0)."""
    if value == 0:
        return 0.0
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)


def same_digits(a: float, b: float, digits: int = 10) -> bool:
    """Whether a and b read the same at ``digits`` significant digits."""
    return float(format(a, f".{digits}g")) == float(format(b, f".{digits}g"))


def _table_values(weights: SeedWeights, loops: int) -> np.ndarray:
    """(loops, H, 6): the talk's columns for X(I) fed at every step."""
    steps = forward(weights, ["I"] * loops)
    return np.stack([np.stack([s.state, s.wx, s.us, s.a, s.o, s.p], axis=1) for s in steps])


@dataclass
class NumberCheck:
    """One printed number: where it is, what the talk printed, what we computed."""

    loop: int
    row: int
    column: str
    talk: str
    ours: float
    bound: float

    @property
    def difference(self) -> float:
        return abs(self.ours - float(self.talk))

    @property
    def digit_for_digit(self) -> bool:
        return same_digits(self.ours, float(self.talk))

    @property
    def within_bound(self) -> bool:
        return self.difference <= self.bound


def compare_with_talk(printed: dict[int, list[list[str]]] | None = None,
                      weights: SeedWeights | None = None, eps: float = 1e-7
                      ) -> list[NumberCheck]:
    """Every printed number of the talk's loop tables (``printed``: from
    :func:`parse_talk_tables`; the copy in :data:`TALK_TABLES` by default)
    beside our value and its rounding bound (module docstring)."""
    printed = parse_talk_tables(TALK_TABLES) if printed is None else printed
    weights = seed_example() if weights is None else weights
    loops = max(printed) + 1 if printed else 0
    ours = _table_values(weights, loops)
    # first-order sensitivity to the rounding of every printed weight
    sens = np.zeros_like(ours)
    for arr in (weights.W, weights.U, weights.B):
        flat = arr.reshape(-1)  # a view: perturb the weights in place
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            up = _table_values(weights, loops)
            flat[i] = old - eps
            down = _table_values(weights, loops)
            flat[i] = old
            sens += np.abs((up - down) / (2 * eps)) * half_unit(old)
    checks = []
    for loop in sorted(printed):
        for r, row in enumerate(printed[loop]):
            for c, talk in enumerate(row):
                bound = sens[loop, r, c] + half_unit(float(talk)) + 1e-15
                checks.append(NumberCheck(loop, r, TALK_COLUMNS[c], talk,
                                          float(ours[loop, r, c]), float(bound)))
    return checks


def summary(checks: Sequence[NumberCheck]) -> list[str]:
    """Sentences for the notes of the talk-run tables."""
    exact = sum(c.digit_for_digit for c in checks)
    head = (f"compared with the talk's printed tables: {exact} of {len(checks)} numbers "
            "agree digit for digit at 10 significant digits")
    lines = [head]
    for c in checks:
        if not c.digit_for_digit:
            verdict = "within" if c.within_bound else "OUTSIDE"
            lines.append(
                f"{LOOP_NAMES[c.loop]}, {c.column}, row {c.row + 1}: ours {c.ours:.10g}, talk "
                f"{c.talk} (differ by {c.difference:.2g}, {verdict} the {c.bound:.2g} that the "
                "10-digit rounding of the printed weights allows)")
    return lines
