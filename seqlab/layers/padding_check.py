"""Post-padding that reaches a recurrent layer without a mask: found, and said once.

Padded at the end (``TextVectorizer``'s default, Keras' too), every padding
id becomes the same embedding row, so a padded sequence ends with a run of
one repeated input vector. A recurrent layer without a mask reads that run
after the text: its final state has seen mostly padding, and the model can
fail to learn at all (IMDB, the README's LSTM with 200 steps: validation
accuracy near chance). Masking the padding (``Embedding(mask_zero=True)``)
or padding at the front fixes it.

:func:`trailing_padding` recognises such a batch from the inputs alone:
at least :data:`MIN_ROWS` of its sequences (and four) end with the *same*
vector repeated over at least :data:`MIN_STEPS` of the steps (and three).
Real inputs almost never end that way: text rarely ends with one token
repeated, and padding is the one vector shared by the ends of many rows.
The first test looks at the last two steps only, so an unpadded batch
costs one comparison of B·D numbers.
"""

from __future__ import annotations

import numpy as np

#: Share of the batch's sequences that must end in the shared repeated vector.
MIN_ROWS = 0.25
#: ... and at least this many of them (random tokens in a small batch can agree).
MIN_SHARED_ROWS = 4
#: Share of the steps that run must cover, on average.
MIN_STEPS = 0.1


class PaddingWarning(UserWarning):
    """Padding at the end of sequences reaches a recurrent layer without a mask."""


def trailing_padding(x: np.ndarray) -> tuple[float, float] | None:
    """``(share of rows, mean length of their run)`` when the batch x (B, T, D) looks
    post-padded and unmasked (see the module docstring), else None."""
    B, T = x.shape[:2]
    if T < 4 or B < 4:
        return None
    last = x[:, -1]
    ends_repeated = np.all(x[:, -2] == last, axis=-1)  # (B,)
    if ends_repeated.sum() < max(MIN_SHARED_ROWS, MIN_ROWS * B):
        return None
    rows = np.flatnonzero(ends_repeated)
    _, which, counts = np.unique(last[rows], axis=0, return_inverse=True,
                                 return_counts=True)
    shared = rows[which.reshape(-1) == np.argmax(counts)]  # rows ending in the commonest vector
    if shared.size < max(MIN_SHARED_ROWS, MIN_ROWS * B):
        return None
    same = np.all(x[shared] == last[shared][:, None, :], axis=-1)  # (rows, T)
    runs = np.where(same.all(axis=1), T, np.argmin(same[:, ::-1], axis=1))  # trailing run lengths
    mean_run = float(runs.mean())
    if mean_run < max(3.0, MIN_STEPS * T):
        return None
    return shared.size / B, mean_run


def padding_message(layer: str, kind: str, share: float, mean_run: float, T: int) -> str:
    """What :class:`PaddingWarning` says, naming the fix."""
    return (
        f"layer {layer!r} ({kind}): {share:.0%} of the sequences in this batch end with one "
        f"repeated input vector over {mean_run:.0f} of their {T} steps on average: padding at "
        "the end reaches the layer without a mask, so it reads mostly padding after the text "
        "and may learn nothing. Mask the padding with Embedding(..., mask_zero=True), or pad "
        "at the front (TextVectorizer(padding='pre'), or pad_sequences, whose default is 'pre')."
    )
