"""Every LRAT proofgate writes follows one grammar (docs/LRAT.md): one step a line, ids increasing,
deletion lines well formed; binary LRAT as the published encoding.  Each writing path is run here
and its output checked against tests/lrat_grammar.py (no outside tool needed): the DRAT engine (text
and binary, one thread and two), `proofgate check --lrat`, the SMT producers' refutations, CaDiCaL's
own LRAT (with the renumbering path of _compat), `proofgate prove`'s stored proofs and the bundles
that carry them."""
import shutil
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lrat_grammar import GrammarError, check, check_binary, check_text, formula_clauses

from bench import families
from evidence.cli import cli
from evidence.smt import native
from evidence.smt.certificate import recover
from evidence.solvers import _compat, drat
from evidence.store.store import Store
from pipeline import run, sqlite_url

ROOT = Path(__file__).resolve().parent.parent
SMT = ROOT / "samples" / "smt"
FAMILIES = {
    "php-5": families.pigeonhole(5),
    "parity-12": families.parity(12, 2),
    "random-50": families.random_ksat(50, 300, seed=4),
    "counter-bmc": families.counter_bmc(4, 12),
}


def grammatical(cnf, lrat, binary):
    """Check a written LRAT file; returns (additions, deletions), with at least one addition."""
    additions, deletions = check(Path(lrat).read_bytes(), formula_clauses(cnf), binary)
    assert additions > 0
    return additions, deletions


# ---- the grammar checker itself -----------------------------------------------------------------

GOOD = b"4 -1 0 1 2 0\n4 d 1 0\n5 0 4 3 0\n"  # formula of 3 clauses


def test_the_checker_accepts_well_formed_text_and_binary():
    assert check_text(GOOD, 3) == (2, 1)
    binary = b"a\x08\x03\x00\x02\x04\x00" + b"d\x02\x00" + b"a\x0a\x00\x08\x06\x00"
    assert check_binary(binary, 3) == (2, 1)
    assert check_text(b"4 1 0 -2 3 0\n", 3) == (1, 0)  # a RAT group: candidate 2, then its hints


@pytest.mark.parametrize("data, where", [
    (b"4 -1 0\n1 2 0\n", "line 1"),             # the clause on one line, its hints on the next
    (b"4 -1 0 1 2 0\n3 0 4 0\n", "line 2"),     # ids must increase
    (b"3 -1 0 1 2 0\n", "line 1"),              # the first id follows the formula's clauses
    (b"4 -1 0 1 2 0\n4 d 0\n", "line 2"),       # a deletion that deletes nothing
    (b"4 -1 0 1 2 0\n5 d 1 0\n", "line 2"),     # a deletion line with another id than the last
    (b"4 -1 0 1 2 0\n4 d 1 1 0\n", "line 2"),   # deleted twice
    (b"4 -1 0 1 9 0\n", "line 1"),              # a hint to no clause
    (b"4 -1 0 1 2 0\n4 d -1 0\n", "line 2"),    # a negative id in a deletion
    (b"4  -1 0 1 2 0\n", "line 1"),             # two spaces
    (b"c comment\n4 -1 0 1 2 0\n", "line 1"),   # no comments in what we write
    (b"4 -1 0 1 2 0", "end of file"),           # no final newline
    (b"4 -1 0 01 2 0\n", "line 1"),             # a leading zero
])
def test_the_checker_rejects_what_we_never_write(data, where):
    with pytest.raises(GrammarError) as error:
        check_text(data, 3)
    assert error.value.where == where


@pytest.mark.parametrize("data", [
    b"a\x08\x03\x00\x02\x04",        # ends inside a record
    b"a\x08\x83\x00\x00\x02\x00",    # 3 encoded in two bytes (not minimal)
    b"x\x08\x00\x00",                # another record type
    b"a\x06\x00\x02\x00",            # id 3, not above the formula's 3 clauses
    b"a\x08\x00\x02\x00d\x00",       # a deletion of nothing
])
def test_the_checker_rejects_bad_binary(data):
    with pytest.raises(GrammarError):
        check_binary(data, 3)


# ---- the DRAT engine ------------------------------------------------------------------------------

def solved(tmp_path, name, solver="cadical195"):
    nvars, clauses = FAMILIES[name]
    cnf, proof = tmp_path / f"{name}.cnf", tmp_path / f"{name}.drat"
    families.write_dimacs(cnf, nvars, clauses)
    assert _compat.solve_with_drat(nvars, clauses, proof, solver=solver) is None
    return cnf, proof


@pytest.mark.parametrize("name", FAMILIES)
@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@pytest.mark.parametrize("threads", [1, 3], ids=["one-thread", "fixed-split"])
def test_the_engine_writes_one_step_a_line_with_increasing_ids(tmp_path, name, binary, threads):
    """threads=3: a second thread owns the proof's first part, so its records are written too."""
    cnf, proof = solved(tmp_path, name)
    lrat = tmp_path / "out.lrat"
    done = drat.elaborate(str(cnf), str(proof), str(lrat), binary_lrat=binary, threads=threads)
    assert done.status == "elaborated", done
    assert threads == 1 or done.counts["split_items"] > 0
    additions, _ = grammatical(cnf, lrat, binary)
    assert additions == done.counts["core_lemmas"] + 1  # the lemmas needed, then the empty clause


def test_rat_groups_and_glucose_deletions_follow_the_grammar(tmp_path):
    cnf = ROOT / "samples" / "lrat" / "rat-extension.cnf"
    from test_drat import lrat_to_drat
    proof = tmp_path / "rat.drat"
    proof.write_text(lrat_to_drat(cnf.read_text(), (ROOT / "samples" / "lrat" / "rat-extension.lrat").read_text()))
    lrat = tmp_path / "rat.lrat"
    done = drat.elaborate(str(cnf), str(proof), str(lrat))
    assert done.counts["rat_lemmas"] > 0
    grammatical(cnf, lrat, False)
    cnf, proof = solved(tmp_path, "php-5", solver="glucose4")
    assert drat.elaborate(str(cnf), str(proof), str(lrat)).status == "elaborated"
    assert grammatical(cnf, lrat, False)[1] > 0  # with deletion lines


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_check_lrat_writes_the_grammar(tmp_path, binary):
    cnf, proof = solved(tmp_path, "parity-12")
    lrat = tmp_path / "kept.lrat"
    args = ["check", str(cnf), str(proof), "--lrat", str(lrat)] + (["--binary-lrat"] if binary else [])
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    grammatical(cnf, lrat, binary)


# ---- CaDiCaL's own LRAT, and the proofs `prove` stores ---------------------------------------------

@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_cadical_lrat_renumbered_or_not_follows_the_grammar(tmp_path, binary):
    """Units in the formula make CaDiCaL number clauses while they are added: _compat renumbers."""
    nvars, clauses = families.pigeonhole(5)
    for name, formula in {"plain": clauses, "units": [[nvars + 1], [-(nvars + 1), 1, 2]] + clauses}.items():
        cnf, lrat = tmp_path / f"{name}.cnf", tmp_path / f"{name}.lrat"
        families.write_dimacs(cnf, nvars + 1, formula)
        assert _compat.solve_with_lrat(nvars + 1, formula, lrat, binary=binary) is None
        grammatical(cnf, lrat, binary)


def test_prove_stores_and_bundles_proofs_in_the_grammar(tmp_path):
    cnf = tmp_path / "php-5.cnf"
    families.write_dimacs(cnf, *families.pigeonhole(5))
    db = sqlite_url(tmp_path)
    assert run("prove", cnf, db=db).exit_code == 0
    store = Store(db)
    [result] = store.results(store.run().id)
    grammatical(cnf, store.path_of(result.proof_sha256), False)
    archive = tmp_path / "bundle.tar.gz"
    assert run("bundle", "-o", archive, db=db).exit_code == 0
    with tarfile.open(archive) as tar:
        [proof] = [m for m in tar.getmembers() if m.name.startswith("proofs/")]
        data = tar.extractfile(proof).read()
    assert check(data, len(families.pigeonhole(5)[1]), False)[0] > 0


# ---- the SMT producers' refutations ---------------------------------------------------------------

def refutation(tmp_path, problem, cert):
    """The CNF a certificate refutes and its refutation's bytes, as files."""
    cnf, proof = tmp_path / "refuted.cnf", tmp_path / "refutation"
    found = recover(problem, cert, cnf, proof)
    return found.kind, cnf, proof


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@pytest.mark.parametrize("name", ["lia-pigeons-unsat", "uf-cycle-unsat", "mixed-policy-unsat"])
def test_native_smt_lrat_refutations_follow_the_grammar(tmp_path, name, binary):
    problem, cert = SMT / f"{name}.smt2", tmp_path / "c.cert"
    native.prove(problem, cert, binary=binary)
    kind, cnf, proof = refutation(tmp_path, problem, cert)
    assert kind == "lrat"
    grammatical(cnf, proof, binary)


def test_a_drat_refutation_checked_with_lrat_out_writes_the_grammar(tmp_path):
    """`proofgate check PROBLEM CERT --lrat OUT` on a DRAT refutation: the engine's elaboration."""
    problem, cert, lrat = SMT / "lia-pigeons-unsat.smt2", tmp_path / "c.cert", tmp_path / "kept.lrat"
    native.prove(problem, cert, refutation="drat")
    r = CliRunner().invoke(cli, ["check", str(problem), str(cert), "--lrat", str(lrat)])
    assert r.exit_code == 0, r.output
    _, cnf, _ = refutation(tmp_path, problem, cert)
    grammatical(cnf, lrat, False)


@pytest.mark.parametrize("kind", ["lrat", "drat"])
def test_cvc5_imported_refutations_follow_the_grammar(tmp_path, monkeypatch, kind):
    pytest.importorskip("cvc5")
    from evidence.smt import cvc5_import
    kept = []
    elaborate = drat.elaborate

    def keeping(cnf, proof, lrat, **options):  # the importer's elaboration is removed once checked
        done = elaborate(cnf, proof, lrat, **options)
        shutil.copy(cnf, tmp_path / "elaborated.cnf"), shutil.copy(lrat, tmp_path / "elaborated.lrat")
        kept.append(done)
        return done

    monkeypatch.setattr(drat, "elaborate", keeping)
    problem, cert = SMT / "lia-pigeons-unsat.smt2", tmp_path / "c.cert"
    assert cvc5_import.prove(problem, cert, refutation=kind) == "unsat"
    found, cnf, proof = refutation(tmp_path, problem, cert)
    if kind == "lrat":
        grammatical(cnf, proof, False)
    else:
        assert kept and kept[0].status == "elaborated"
        grammatical(tmp_path / "elaborated.cnf", tmp_path / "elaborated.lrat", False)
