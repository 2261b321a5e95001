"""bench/bench_smtlib.py on a few hand-written SMT-LIB files: selection, records, table rows, and
refusal reasons normalised for counting."""
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_smtlib", ROOT / "bench" / "bench_smtlib.py")
bench_smtlib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_smtlib)

FILES = {
    "lra-sat.smt2": "; EXPECT: sat\n(set-logic QF_LRA)\n(declare-const x Real)\n(assert (> x 1.5))\n(check-sat)\n",
    "uf-unsat.smt2": "(set-info :status unsat)\n(set-logic QF_UF)\n(declare-sort U 0)\n(declare-fun f (U) U)\n"
                     "(declare-const a U)\n(declare-const b U)\n(assert (= a b))\n(assert (not (= (f a) (f b))))\n"
                     "(check-sat)\n(exit)\n",
    "nested/strlen.smt2": "; EXPECT: sat\n(set-logic QF_SLIA)\n(declare-const s String)\n"
                          "(assert (= (str.indexof s \"a\" 0) 3))\n(check-sat)\n",
    "lia-push.smt2": "; EXPECT: sat\n; EXPECT: unsat\n(set-logic QF_LIA)\n(declare-const n Int)\n(push 1)\n"
                     "(assert (> n 0))\n(check-sat)\n(pop 1)\n(assert (and (> n 0) (< n 0)))\n(check-sat)\n",
    # says sat; is unsat: the bench must call the (verified) answer wrong, not count it as answered
    "lia-mislabelled.smt2": "; EXPECT: sat\n(set-logic QF_LIA)\n(declare-const n Int)\n"
                            "(assert (and (> n 2) (< n 3)))\n(check-sat)\n",
    "lra-unknown.smt2": "(set-info :status unknown)\n(set-logic QF_LRA)\n(declare-const x Real)\n(check-sat)\n",
    "nia.smt2": "; EXPECT: sat\n(set-logic QF_NIA)\n(declare-const n Int)\n(assert (> (* n n) 3))\n(check-sat)\n",
}


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    folder = tmp_path_factory.mktemp("smtlib")
    for name, text in FILES.items():
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(text)
    return folder, bench_smtlib.run_bench([folder], timeout=60, max_memory=0)


def test_selection_leaves_out_incremental_unknown_and_other_logics(ran):
    folder, bench = ran
    assert sorted(Path(r["path"]).name for r in bench.records) == [
        "lia-mislabelled.smt2", "lra-sat.smt2", "strlen.smt2", "uf-unsat.smt2"]
    assert bench.left_out == {("incremental", "QF_LIA+QF_UFLIA+QF_IDL"): 1,
                              ("status unknown", "QF_LRA+QF_UFLRA+QF_RDL"): 1, ("other logic", ""): 1}


def test_records(ran):
    _, bench = ran
    by_name = {Path(r["path"]).name: r for r in bench.records}
    sat, unsat, strlen, wrong = (by_name[n] for n in ("lra-sat.smt2", "uf-unsat.smt2", "strlen.smt2",
                                                      "lia-mislabelled.smt2"))
    for r, answer in ((sat, "sat"), (unsat, "unsat")):
        assert (r["outcome"], r["inside"], r["answer"], r["right"], r["verified_both"]) == \
            ("verified", True, answer, True, True), r
        assert r["verified"] == {"c": True, "python": True}
    assert (strlen["outcome"], strlen["inside"], strlen["answer"], strlen["refusal"], strlen["refusal_kind"]) == \
        ("refused", False, None, "unsupported: str.indexof", "unsupported")
    assert (wrong["outcome"], wrong["answer"], wrong["right"], wrong["verified_both"]) == \
        ("wrong", "unsat", False, True)
    assert wrong["kind"].startswith("WRONG ANSWER unsat (expected sat), certificate VERIFIED")


def test_the_json_file_gives_the_same_report(ran):
    _, bench = ran
    again = bench_smtlib.Bench.from_dict(json.loads(json.dumps(bench.to_dict())))
    assert bench_smtlib.report(again) == bench_smtlib.report(bench)


def test_table_rows_and_report(ran):
    _, bench = ran
    rows = {r["group"]: r for r in bench_smtlib.table(bench.records)}
    assert list(rows) == ["QF_UF", "QF_LRA+QF_UFLRA+QF_RDL", "QF_LIA+QF_UFLIA+QF_IDL", "QF_S+QF_SLIA", "all"]
    pick = ("files", "inside", "verified", "sat", "unsat", "wrong", "producer bugs", "timeouts")
    assert [rows["QF_UF"][k] for k in pick] == [1, 1, 1, 0, 1, 0, 0, 0]
    assert [rows["QF_LRA+QF_UFLRA+QF_RDL"][k] for k in pick] == [1, 1, 1, 1, 0, 0, 0, 0]
    assert [rows["QF_LIA+QF_UFLIA+QF_IDL"][k] for k in pick] == [1, 1, 0, 0, 0, 1, 0, 0]
    assert [rows["QF_S+QF_SLIA"][k] for k in pick] == [1, 0, 0, 0, 0, 0, 0, 0]
    assert [rows["all"][k] for k in pick] == [4, 3, 2, 1, 1, 1, 0, 0]
    text = bench_smtlib.report(bench)
    assert "| all | 4 | 3 (75.0%) | 2 (1/1), 50.0% of files, 66.7% of inside | 1 | 0 | 0 | 0 |" in text
    assert "left out, incremental: 1 (QF_LIA+QF_UFLIA+QF_IDL 1)" in text
    assert "     1  unsupported: str.indexof" in text
    assert "lia-mislabelled.smt2: wrong: WRONG ANSWER" in text


def _refused(source):
    """The message prove prints for `source` (the kernel's reader says where and what)."""
    from checker.smtlib import SmtError, read
    with pytest.raises(SmtError) as error:
        read(source.encode())
    return f"proofgate: bad input: P: {error.value}"


@pytest.mark.parametrize("source, reason", [
    ("(set-logic QF_SLIA)\n(declare-fun x () (Seq Int))\n(check-sat)", "unsupported sort: (Seq ...)"),
    ("(declare-const x Int)\n(assert (= (_ +oo 8 24) x))", "unsupported: indexed constants"),
    ("(declare-const x Int)\n(assert (= ((_ to_fp 8 24) x) x))", "unsupported: to_fp"),
    ("(declare-const x Int)\n(assert (= ((as foo Int) 0) x))", "unsupported: qualified identifiers"),
    ("(declare-const x Int)\n(assert (= (div x 2) 3))", "unsupported: div"),
    ("(declare-const x Int)(declare-const y Int)\n(assert (= (* x y) 3))", "unsupported: non-linear *"),
    ("(declare-fun .def_5 () Bool)", "declares a reserved name (starting with . or @)"),
    ("(assert p_15)", "unknown symbol (undeclared)"),
])
def test_refusal_reasons_are_normalised(source, reason):
    assert bench_smtlib.refusal(_refused(source), "P", source.encode()) == reason


@pytest.mark.parametrize("message, reason", [
    ("proofgate: no answer: the kernel cannot read the problem: line 1, column 1: unsupported: str.len",
     "unsupported: str.len"),
    ("proofgate: bad input: P: unsupported: linear forms of more than 64 entries a byte (arithmetic terms that x)",
     "unsupported: linear forms of more than 64 entries a byte"),
])
def test_refusal_reasons_without_a_source_position(message, reason):
    assert bench_smtlib.refusal(message, "P", b"") == reason
