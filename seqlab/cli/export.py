"""``seqlab export onnx MODEL OUT``: a saved seqlab model as an ONNX file.

    seqlab export onnx imdb_lstm.seqlab imdb_lstm.onnx

The model is loaded without its optimizer; the ONNX graph computes
``predict`` and is checked by ``onnx.checker`` before anything is written
(atomically: on any error OUT is left as it was). What maps to what, and
what is refused: ``help(seqlab.interop.onnx)``. Needs ``pip install
'seqlab[onnx]'``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("export", help="export a saved model to another format (ONNX)",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    formats = p.add_subparsers(dest="format", metavar="FORMAT", required=True)
    onnx = formats.add_parser("onnx", help="ONNX, for onnxruntime and other runtimes",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    onnx.add_argument("model", type=Path, metavar="MODEL", help="a model saved by model.save()")
    onnx.add_argument("out", type=Path, metavar="OUT", help="the .onnx file to write")
    onnx.set_defaults(func=run_onnx)


def run_onnx(args: argparse.Namespace) -> int:
    from seqlab.atomic import check_writable
    from seqlab.interop.onnx import OPSET, export_onnx, require_onnx
    from seqlab.models import load_model

    try:
        require_onnx()
    except ImportError as exc:  # one line, as for the other errors
        print(f"seqlab export: error: {exc}", file=sys.stderr)
        return 1
    check_writable(args.out, "OUT file")  # before the work
    model = load_model(args.model, compile=False)
    proto = export_onnx(model, args.out)
    inputs = ", ".join(i.name for i in proto.graph.input)
    outputs = ", ".join(o.name for o in proto.graph.output)
    print(f"wrote {args.out}: ONNX opset {OPSET}, {len(proto.graph.node)} nodes, "
          f"inputs [{inputs}], outputs [{outputs}]")
    return 0
