"""Backpropagation by hand: a tiny computational graph over scalars and small
NumPy arrays, each node with its local gradient rule, as the talk teaches it.

A :class:`Value` holds ``data`` (float64), ``grad`` (dL/d this node), the
``op`` that made it and its ``parents``. ``backward(root)`` visits the nodes
in reverse topological order; each node takes the gradient that reached it
(``upstream``, dL/df) and passes to each parent x the product
upstream · ∂f/∂x given by its op's local rule:

    add     f = x + y      gradient distributor:  ∂f/∂x = 1, ∂f/∂y = 1
    mul     f = x · y      gradient swapper:      ∂f/∂x = y, ∂f/∂y = x
    matmul  f = A·x        dA = upstream xᵀ,  dx = Aᵀ upstream   (the swapper for matrices)
    tanh    f = tanh(x)    ∂f/∂x = 1 − tanh²(x) = 1 − f²
    exp     f = eˣ         ∂f/∂x = f
    log     f = log x      ∂f/∂x = 1/x
    neg     f = −x         ∂f/∂x = −1
    sum     f = Σ_i x_i    ∂f/∂x_i = 1
    softmax f = eˣ/Σ eˣ    dx = f ⊙ (upstream − Σ_j upstream_j f_j)

A parent used twice adds both contributions (the "+=" of the chain rule).
:func:`backward_table` lists every step; :func:`to_svg` draws the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from seqlab.report.tables import Table, format_number
from seqlab.talk.handprop_svg import graph_svg, write_graph_svg

RULES: dict[str, str] = {
    "": "input (leaf): no parents",
    "add": "gradient distributor: ∂f/∂x = 1, ∂f/∂y = 1",
    "mul": "gradient swapper: ∂f/∂x = y, ∂f/∂y = x",
    "matmul": "gradient swapper for matrices: ∂f/∂A = upstream·xᵀ, ∂f/∂x = Aᵀ·upstream",
    "tanh": "tanh′: ∂f/∂x = 1 − tanh²(x) = 1 − f²",
    "exp": "exp′: ∂f/∂x = eˣ = f",
    "log": "log′: ∂f/∂x = 1/x",
    "neg": "negation: ∂f/∂x = −1",
    "sum": "sum: ∂f/∂xᵢ = 1 (upstream copied to every element)",
    "softmax": "softmax′: ∂f/∂x = f ⊙ (upstream − Σⱼ upstreamⱼ fⱼ)",
}


def _unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` over the axes that broadcasting added or stretched to reach ``shape``."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


class Value:
    """A node of the graph: data, grad, op, parents, and its local rule."""

    def __init__(self, data: Any, name: str = "", op: str = "",
                 parents: Sequence[Value] = (),
                 rule: Callable[[np.ndarray], tuple[np.ndarray, ...]] | None = None):
        arr = np.array(data, dtype=np.float64)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"Value {name!r}: data must be finite numbers, got {data!r}")
        self.data = arr
        self.grad = np.zeros_like(arr)
        if not name:  # an unnamed constant: a scalar is named by its value
            name = format_number(float(arr), 6) if arr.ndim == 0 else "const"
        self.name = name
        self.op = op
        self.parents = tuple(parents)
        self._rule = rule
        self.passed: tuple[np.ndarray, ...] = ()

    def named(self, name: str) -> Value:
        """Rename this node (for tables and pictures); returns self."""
        self.name = name
        return self

    @property
    def rule(self) -> str:
        return RULES[self.op]

    def __repr__(self) -> str:
        return f"Value({self.name!r}, op={self.op!r}, data={self.data!r}, grad={self.grad!r})"

    # ------------------------------------------------------------ operators
    def __add__(self, other: Any) -> Value:
        return add(self, other)

    __radd__ = __add__

    def __mul__(self, other: Any) -> Value:
        return mul(self, other)

    __rmul__ = __mul__

    def __matmul__(self, other: Any) -> Value:
        return matmul(self, other)

    def __neg__(self) -> Value:
        return neg(self)

    def sum(self) -> Value:
        return vsum(self)


def _as_value(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _label(node: Value) -> str:
    return node.name if node.name else f"({node.op})"


def add(x: Any, y: Any) -> Value:
    x, y = _as_value(x), _as_value(y)
    return Value(x.data + y.data, f"{_label(x)} + {_label(y)}", "add", (x, y),
                 lambda g: (_unbroadcast(g, x.data.shape), _unbroadcast(g, y.data.shape)))


def mul(x: Any, y: Any) -> Value:
    x, y = _as_value(x), _as_value(y)
    return Value(x.data * y.data, f"{_label(x)}·{_label(y)}", "mul", (x, y),
                 lambda g: (_unbroadcast(g * y.data, x.data.shape),
                            _unbroadcast(g * x.data, y.data.shape)))


def matmul(a: Any, b: Any) -> Value:
    """a @ b for 2-D·2-D, 2-D·1-D (the talk's W·X), 1-D·2-D and 1-D·1-D."""
    a, b = _as_value(a), _as_value(b)
    if a.data.ndim not in (1, 2) or b.data.ndim not in (1, 2):
        raise ValueError(f"matmul: expected 1-D or 2-D operands, got shapes {a.data.shape} "
                         f"and {b.data.shape}")
    if a.data.shape[-1] != b.data.shape[0]:
        raise ValueError(f"matmul {_label(a)}·{_label(b)}: shapes {a.data.shape} and "
                         f"{b.data.shape} do not line up")
    A, Bm = a.data, b.data

    def rule(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if A.ndim == 2 and Bm.ndim == 1:    # f = A·b (m,):  dA = g bᵀ, db = Aᵀ g
            return np.outer(g, Bm), A.T @ g
        if A.ndim == 2:                     # f = A·B (m, n): dA = g Bᵀ, dB = Aᵀ g
            return g @ Bm.T, A.T @ g
        if Bm.ndim == 2:                    # f = a·B (n,):  da = B g,  dB = a gᵀ
            return Bm @ g, np.outer(A, g)
        return g * Bm, g * A                # f = a·b scalar: the plain swapper

    return Value(A @ Bm, f"{_label(a)}·{_label(b)}", "matmul", (a, b), rule)


def _unary(op: str, fn: Callable[[np.ndarray], np.ndarray],
           local: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]) -> Callable:
    def apply(x: Any) -> Value:
        x = _as_value(x)
        out = fn(x.data)
        return Value(out, f"{op}({_label(x)})", op, (x,), lambda g: (local(g, x.data, out),))

    apply.__name__ = op
    apply.__doc__ = f"f = {op}(x); local rule: {RULES[op]}"
    return apply


tanh = _unary("tanh", np.tanh, lambda g, x, f: g * (1.0 - f * f))
exp = _unary("exp", np.exp, lambda g, x, f: g * f)
log = _unary("log", np.log, lambda g, x, f: g / x)
neg = _unary("neg", np.negative, lambda g, x, f: -g)
vsum = _unary("sum", lambda x: np.array(x.sum()), lambda g, x, f: np.full_like(x, g))


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


softmax = _unary("softmax", _softmax, lambda g, x, f: f * (g - np.sum(g * f)))


# -------------------------------------------------------------- backward
def topological_order(root: Value) -> list[Value]:
    """Every node reachable from ``root``, parents before children."""
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((p, False) for p in reversed(node.parents) if id(p) not in seen)
    return order


def backward(root: Value) -> list[Value]:
    """Fill ``grad`` of every node with dL/dnode, L = ``root`` (dL/dL = 1; for
    an array root, L is the sum of its elements); returns the nodes in the
    order visited (reverse topological). Earlier gradients are reset first."""
    order = topological_order(root)
    for node in order:
        node.grad = np.zeros_like(node.data)
        node.passed = ()
    root.grad = np.ones_like(root.data)
    visited = list(reversed(order))
    for node in visited:
        if node._rule is None:
            continue
        node.passed = tuple(np.asarray(g, dtype=np.float64) for g in node._rule(node.grad))
        for parent, g in zip(node.parents, node.passed):
            parent.grad = parent.grad + g
    return visited


def format_value(x: np.ndarray, digits: int = 6) -> str:
    """A scalar as a number, an array as [a, b, ...] (rows separated by ';')."""
    x = np.asarray(x)
    if x.ndim == 0:
        return format_number(float(x), digits)
    if x.ndim == 1:
        return "[" + ", ".join(format_number(float(v), digits) for v in x) + "]"
    return "[" + "; ".join(format_value(r, digits)[1:-1] for r in x) + "]"


def backward_table(root: Value, digits: int = 6) -> Table:
    """One row per node in the order :func:`backward` visits them: name, op,
    forward value, local gradient rule, upstream gradient (dL/dnode) and the
    gradient passed to each parent. Runs :func:`backward` first."""
    visited = backward(root)
    rows = []
    for node in visited:
        passed = "; ".join(f"{_label(p)} ← {format_value(g, digits)}"
                           for p, g in zip(node.parents, node.passed)) or "—"
        rows.append([node.name, node.op or "leaf", format_value(node.data, digits), node.rule,
                     format_value(node.grad, digits), passed])
    return Table(f"backward pass of {root.name}",
                 ["node", "op", "value", "local gradient rule", "upstream dL/dnode",
                  "passed to parents"], rows,
                 ["visited in reverse topological order, starting from dL/dL = 1",
                  "a node used twice receives the sum of both contributions"], digits=digits)


def to_svg(root: Value, digits: int = 4) -> str:
    """The graph as an SVG picture (runs :func:`backward` first): nodes laid
    out by depth from the inputs, edges parent → child, each node labelled
    with its name, op, value and grad."""
    backward(root)
    return graph_svg(topological_order(root), format_value, digits)


def write_svg(root: Value, path: str, digits: int = 4) -> Any:
    """Write :func:`to_svg` to ``path`` atomically; returns the Path."""
    return write_graph_svg(to_svg(root, digits), path)


# -------------------------------------------------------------- examples
@dataclass
class Example:
    """A ready-made graph: a title, its root and its inputs by name."""

    title: str
    root: Value
    inputs: dict[str, Value] = field(default_factory=dict)


def example_mul(x: float = 3.0, y: float = -2.0) -> Example:
    """f = x·y: the gradient swapper (∂f/∂x = y, ∂f/∂y = x)."""
    vx, vy = Value(x, "x"), Value(y, "y")
    return Example("f = x·y (gradient swapper)", mul(vx, vy).named("f"), {"x": vx, "y": vy})


def example_add(x: float = 3.0, y: float = -2.0) -> Example:
    """f = x + y: the gradient distributor (∂f/∂x = ∂f/∂y = 1)."""
    vx, vy = Value(x, "x"), Value(y, "y")
    return Example("f = x + y (gradient distributor)", add(vx, vy).named("f"),
                   {"x": vx, "y": vy})


def example_add_mul(x: float = -2.0, y: float = 5.0, z: float = -4.0) -> Example:
    """f = (x + y)·z: the distributor feeding the swapper."""
    vx, vy, vz = Value(x, "x"), Value(y, "y"), Value(z, "z")
    q = add(vx, vy).named("q = x + y")
    return Example("f = (x + y)·z", mul(q, vz).named("f"), {"x": vx, "y": vy, "z": vz})


def example_rnn_step(W: np.ndarray | None = None, U: np.ndarray | None = None,
                     B: np.ndarray | None = None, x: np.ndarray | None = None,
                     state: np.ndarray | None = None, target: int = 1) -> Example:
    """One tanh RNN step with a cross-entropy loss, in the talk's symbols:

        O = tanh(W·X + U·S + B),  p = softmax(O),  L = −Σ y ⊙ log p

    Defaults are the talk's second loop: its W, U, B, X = X(I), S = the first
    loop's O, and the target y = 널 (index 1).
    """
    from seqlab.talk import seed

    w = seed.seed_example()
    W = w.W if W is None else np.asarray(W, dtype=np.float64)
    U = w.U if U is None else np.asarray(U, dtype=np.float64)
    B = w.B if B is None else np.asarray(B, dtype=np.float64)
    x = seed.one_hot(["I"])[0] if x is None else np.asarray(x, dtype=np.float64)
    if state is None:
        state = seed.forward(w, ["I"])[0].o
    H = W.shape[0]
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)) \
            or not 0 <= target < H:
        raise ValueError(f"example_rnn_step: target must be an output index in [0, {H}), "
                         f"got {target!r}")
    vW, vU, vB = Value(W, "W"), Value(U, "U"), Value(B, "B")
    vX, vS = Value(x, "X"), Value(state, "S")
    a = (matmul(vW, vX).named("W·X") + matmul(vU, vS).named("U·S")).named("WX + US")
    o = tanh((a + vB).named("WX + US + B")).named("O")
    logp = log(softmax(o).named("softmax(O)")).named("log p")
    y = Value(np.eye(H)[target], "y")
    loss = neg(vsum(mul(y, logp).named("y·log p")).named("Σ y·log p")).named("L")
    return Example("one tanh RNN step: O = tanh(W·X + U·S + B), L = −Σ y·log softmax(O)",
                   loss, {"W": vW, "U": vU, "B": vB, "X": vX, "S": vS, "y": y})


EXAMPLES: dict[str, Callable[[], Example]] = {
    "mul": example_mul, "add": example_add, "add_mul": example_add_mul,
    "rnn": example_rnn_step,
}
