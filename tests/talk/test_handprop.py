"""Backprop by hand: local rules, finite differences, the engine, table and SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from seqlab.config import use_kernels
from seqlab.layers.rnn_cells import SimpleRNN
from seqlab.report.html import ReportPathError
from seqlab.talk import handprop as hp
from seqlab.talk import seed
from seqlab.testing.gradcheck import compare, numerical_gradient


def leaf_gradients_numerically(build, leaves: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Central differences of the scalar built by ``build(values)`` w.r.t. each leaf array."""
    def f() -> float:
        return float(build({k: hp.Value(v, k) for k, v in leaves.items()}).data)

    return {k: numerical_gradient(f, v) for k, v in leaves.items()}


# -------------------------------------------------------------- local rules
@pytest.mark.parametrize("x,y", [(3.0, -2.0), (-0.5, 4.25), (1e-3, 7.0)])
def test_mul_is_the_gradient_swapper(x, y):
    ex = hp.example_mul(x, y)
    hp.backward(ex.root)
    assert float(ex.root.data) == x * y
    assert float(ex.inputs["x"].grad) == y
    assert float(ex.inputs["y"].grad) == x


@pytest.mark.parametrize("x,y", [(3.0, -2.0), (-0.5, 4.25)])
def test_add_is_the_gradient_distributor(x, y):
    ex = hp.example_add(x, y)
    hp.backward(ex.root)
    assert float(ex.inputs["x"].grad) == 1.0 and float(ex.inputs["y"].grad) == 1.0


def test_add_then_mul_chains_the_two_rules():
    ex = hp.example_add_mul(-2.0, 5.0, -4.0)
    hp.backward(ex.root)
    assert float(ex.root.data) == (-2.0 + 5.0) * -4.0
    assert float(ex.inputs["x"].grad) == -4.0 and float(ex.inputs["y"].grad) == -4.0
    assert float(ex.inputs["z"].grad) == 3.0


def test_tanh_local_rule_is_one_minus_tanh_squared():
    x = hp.Value(np.array([-1.5, 0.2, 2.0]), "x")
    f = hp.tanh(x)
    hp.backward(hp.vsum(f))
    np.testing.assert_allclose(x.grad, 1 - np.tanh(x.data) ** 2, rtol=1e-15)


def test_a_value_used_twice_collects_both_contributions():
    x = hp.Value(3.0, "x")
    f = x * x + x  # df/dx = 2x + 1
    hp.backward(f)
    assert float(x.grad) == 7.0


def test_backward_can_run_twice_without_accumulating_stale_gradients():
    ex = hp.example_rnn_step()
    hp.backward(ex.root)
    first = ex.inputs["W"].grad.copy()
    hp.backward(ex.root)
    np.testing.assert_array_equal(ex.inputs["W"].grad, first)


# ------------------------------------------------------- finite differences
def test_rnn_step_gradients_match_finite_differences():
    w = seed.seed_example()
    s = seed.forward(w, ["I"])[0].o
    x = seed.one_hot(["I"])[0]
    leaves = {"W": w.W.copy(), "U": w.U.copy(), "B": w.B.copy(), "X": x.copy(), "S": s.copy()}

    def build(v):
        return hp.example_rnn_step(v["W"].data, v["U"].data, v["B"].data, v["X"].data,
                                   v["S"].data, target=1).root

    ex = hp.example_rnn_step(**{k: leaves[k] for k in ("W", "U", "B")}, x=leaves["X"],
                             state=leaves["S"], target=1)
    hp.backward(ex.root)
    numeric = leaf_gradients_numerically(build, leaves)
    for k in leaves:
        compare(k, ex.inputs[k].grad, numeric[k])


@pytest.mark.parametrize("shapes", [((2, 3), (3, 4)), ((2, 3), (3,)), ((3,), (3, 4)),
                                    ((3,), (3,))])
def test_matmul_gradients_for_every_operand_rank(shapes):
    rng = np.random.default_rng(sum(len(s) for s in shapes))
    leaves = {"A": rng.normal(size=shapes[0]), "B": rng.normal(size=shapes[1])}

    def build(v):
        out = hp.matmul(v["A"], v["B"])
        return hp.vsum(hp.tanh(out) * hp.Value(np.linspace(0.5, 1.5, out.data.size)
                                                .reshape(out.data.shape)))

    vals = {k: hp.Value(v, k) for k, v in leaves.items()}
    hp.backward(build(vals))
    numeric = leaf_gradients_numerically(build, leaves)
    for k in leaves:
        compare(k, vals[k].grad, numeric[k])


def test_broadcasting_exp_log_softmax_neg_gradients():
    rng = np.random.default_rng(7)
    leaves = {"a": rng.normal(size=(2, 3)), "b": rng.normal(size=(3,)),
              "c": np.array(0.7)}

    def build(v):
        z = hp.add(v["a"], v["b"]) * v["c"]          # (2, 3) + (3,), times a scalar
        row = hp.matmul(hp.Value(np.array([0.3, -1.1])), z)  # (2,)·(2, 3) -> (3,)
        p = hp.softmax(row)
        return hp.neg(hp.vsum(hp.log(p) * hp.Value(np.array([0.2, 0.5, 0.3])))) \
            + hp.vsum(hp.exp(v["b"] * 0.1))

    vals = {k: hp.Value(v, k) for k, v in leaves.items()}
    hp.backward(build(vals))
    numeric = leaf_gradients_numerically(build, leaves)
    for k in leaves:
        compare(k, vals[k].grad, numeric[k])


# -------------------------------------------------------------- the engine
@pytest.mark.parametrize("kernels", ["numpy", "numba"])
def test_rnn_step_gradients_equal_the_engines_simple_rnn(kernels):
    ex = hp.example_rnn_step()
    hp.backward(ex.root)
    v = ex.inputs
    o_node = next(n for n in hp.topological_order(ex.root) if n.name == "O")

    layer = SimpleRNN(3, dtype="float64")
    layer.build((None, 1, 4))
    layer.set_weights([v["W"].data.T, v["U"].data.T, v["B"].data])
    with use_kernels(kernels):
        out = layer([v["X"].data[None, None, :], v["S"].data[None, :]])  # (1, 1, 4), (1, 3)
        dx, dh0 = layer.backward(o_node.grad[None, :])
    np.testing.assert_allclose(out[0], o_node.data, rtol=0, atol=1e-15)
    np.testing.assert_allclose(layer.kernel.grad, v["W"].grad.T, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer.recurrent_kernel.grad, v["U"].grad.T, rtol=1e-12,
                               atol=1e-15)
    np.testing.assert_allclose(layer.bias.grad, v["B"].grad, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dx[0, 0], v["X"].grad, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dh0[0], v["S"].grad, rtol=1e-12, atol=1e-15)


def test_rnn_step_uses_the_talks_second_loop():
    ex = hp.example_rnn_step()
    o_node = next(n for n in hp.topological_order(ex.root) if n.name == "O")
    np.testing.assert_allclose(o_node.data, [0.9649761201, 0.9784509017, 0.9768607239],
                               atol=5e-11)


# ------------------------------------------------------------------ the table
def test_backward_table_labels_each_op_with_its_rule():
    ex = hp.example_rnn_step()
    table = hp.backward_table(ex.root)
    assert table.columns == ["node", "op", "value", "local gradient rule", "upstream dL/dnode",
                             "passed to parents"]
    nodes = hp.topological_order(ex.root)
    assert len(table.rows) == len(nodes)
    assert table.rows[0][0] == "L" and table.rows[0][4] == "1"
    expected_words = {"add": "gradient distributor", "mul": "gradient swapper",
                      "matmul": "gradient swapper for matrices", "tanh": "1 − tanh²",
                      "leaf": "input (leaf)", "softmax": "softmax′", "log": "1/x",
                      "neg": "−1", "sum": "sum"}
    seen = set()
    by_name = {n.name: n for n in nodes}
    for name, op, value, rule, upstream, passed in table.rows:
        assert expected_words[op] in rule
        seen.add(op)
        node = by_name[name]
        assert upstream == hp.format_value(node.grad)
        assert value == hp.format_value(node.data)
        for parent in node.parents:
            assert f"{parent.name} ← " in passed
        if not node.parents:
            assert passed == "—"
    assert seen == set(expected_words)


def test_backward_table_order_is_reverse_topological():
    ex = hp.example_add_mul()
    names = [r[0] for r in hp.backward_table(ex.root).rows]
    position = {n: i for i, n in enumerate(names)}
    for node in hp.topological_order(ex.root):
        for parent in node.parents:
            assert position[node.name] < position[parent.name]


def test_mul_and_add_tables_show_the_swapped_and_distributed_gradients():
    mul_rows = {r[0]: r for r in hp.backward_table(hp.example_mul(3.0, -2.0).root).rows}
    assert mul_rows["f"][5] == "x ← -2; y ← 3"
    add_rows = {r[0]: r for r in hp.backward_table(hp.example_add(3.0, -2.0).root).rows}
    assert add_rows["f"][5] == "x ← 1; y ← 1"


# ------------------------------------------------------------------- the SVG
@pytest.mark.parametrize("name", sorted(hp.EXAMPLES))
def test_svg_parses_and_has_a_node_per_graph_node(name):
    ex = hp.EXAMPLES[name]()
    svg = hp.to_svg(ex.root)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    groups = [g for g in root.iter(f"{ns}g") if g.get("class") == "node"]
    nodes = hp.topological_order(ex.root)
    assert len(groups) == len(nodes)
    assert sorted(g.get("data-name") for g in groups) == sorted(n.name for n in nodes)
    edges = [p for p in root.iter(f"{ns}path") if p.get("class") == "edge"]
    assert len(edges) == sum(len(n.parents) for n in nodes)
    texts = " ".join(t.text or "" for t in root.iter(f"{ns}text"))
    assert "grad" in texts and "value" in texts


def test_svg_inputs_sit_left_of_their_first_use():
    ex = hp.example_rnn_step()
    root = ET.fromstring(hp.to_svg(ex.root))
    ns = "{http://www.w3.org/2000/svg}"
    x_of = {g.get("data-name"): float(g.find(f"{ns}rect").get("x"))
            for g in root.iter(f"{ns}g") if g.get("class") == "node"}
    for node in hp.topological_order(ex.root):
        for parent in node.parents:
            assert x_of[parent.name] < x_of[node.name]


def test_write_svg_is_atomic_and_reports_bad_paths(tmp_path):
    ex = hp.example_mul()
    out = hp.write_svg(ex.root, tmp_path / "f.svg")
    ET.fromstring(out.read_text(encoding="utf-8"))
    with pytest.raises(ReportPathError, match="does not exist"):
        hp.write_svg(ex.root, tmp_path / "nope" / "f.svg")
    assert [p.name for p in tmp_path.iterdir()] == ["f.svg"]


# ------------------------------------------------------------------- errors
def test_bad_input_gets_clear_errors():
    with pytest.raises(ValueError, match="do not line up"):
        hp.matmul(hp.Value(np.ones((2, 3)), "A"), hp.Value(np.ones(2), "x"))
    with pytest.raises(ValueError, match="1-D or 2-D"):
        hp.matmul(hp.Value(np.ones((2, 2, 2))), hp.Value(np.ones(2)))
    with pytest.raises(ValueError, match="finite numbers"):
        hp.Value(float("nan"), "x")
    with pytest.raises(ValueError, match=r"target must be an output index in \[0, 3\)"):
        hp.example_rnn_step(target=3)
