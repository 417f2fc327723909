"""A benchmark's Markdown result: printed, and written whole to ``out`` when given
(through ``seqlab.atomic``: an interrupted run never leaves half a file)."""

from __future__ import annotations

from seqlab.atomic import atomic_write


def publish(lines: list[str], out: str | None) -> None:
    """Print ``lines`` as one text and write it to ``out`` (if not None)."""
    text = "\n".join(lines) + "\n"
    print(text)
    if out:
        with atomic_write(out, "w") as fh:
            fh.write(text)
