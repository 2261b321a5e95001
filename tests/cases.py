"""Sample cases that several test modules (and bench/bench_smt_cvc5.py) share: plain data, no fixtures."""
from datetime import date

import pytest

# --- LRAT: the kernel's rules (test_lrat_rules, test_sanitizers) and malformed input (test_malformed) -------

# x1, x2: all four clauses, so unsatisfiable.
FOUR = "p cnf 2 4\n1 2 0\n-1 2 0\n1 -2 0\n-1 -2 0\n"
FOUR_PROOF = "5 2 0 1 2 0\n6 0 5 3 4 0\n"
# (-1 v 2), (1 v 2), (-2): clause (1) is RAT on 1, with a group for candidate 1.
RAT = "p cnf 2 3\n-1 2 0\n1 2 0\n-2 0\n"
RAT_PROOF = "4 1 0 -1 2 0\n5 0 3 4 1 0\n"
# Extension x3 = x1 & x2 over FOUR: fresh pivots (no candidates) and blocked candidates.
EXTENSION_PROOF = "5 -3 1 0 0\n6 -3 2 0 0\n7 3 -1 -2 0 -5 -6 0\n8 2 0 1 2 0\n9 0 8 4 3 0\n"

# (proof, code, step, line, detail in the reason)
INVALID = [
    ("5 2 0 1 3 0\n", "hint-not-unit", 5, 1, "hint 3"),                          # a wrong hint
    ("5 2 0 1 2 0\n5 d 5 0\n6 0 5 3 4 0\n", "hint-dead", 6, 3, "hint 5"),       # a hint to a deleted clause
    ("5 2 0 1 9 0\n", "hint-dead", 5, 1, "hint 9"),                              # a hint to no clause
    ("5 2 0 1 0\n6 0 5 3 4 0\n", "no-conflict", 5, 1, "conflict"),              # a missing hint
    ("5 2 0 1 2 0\n5 0 5 3 4 0\n", "id-order", 5, 2, "previous id 5"),          # a reused id
    ("6 2 0 1 2 0\n5 0 6 3 4 0\n", "id-order", 5, 2, "previous id 6"),          # ids going backwards
    ("3 2 0 1 2 0\n", "id-order", 3, 1, "previous id 4"),                        # an id of the formula
    ("5 2 0 1 2 0\n", "no-empty-clause", None, None, "never derives"),         # no empty clause
    ("5 2 0 1 2 0\n6 d 9 0\n", "delete-dead", 6, 2, "clause 9"),                 # deleting what is not there
    ("5 2 0 1 2 0\n6 d 1 1 0\n", "delete-dead", 6, 2, "clause 1"),
    ("5 0 -1 0\n", "rat-empty", 5, 1, "no pivot"),
    ("5 0 0\n", "no-conflict", 5, 1, "conflict"),
    ("5 0 1 0\n", "hint-not-unit", 5, 1, "hint 1"),
]
RAT_INVALID = [
    ("4 1 0 -1 0\n5 0 3 4 1 0\n", "rat-no-conflict", 4, 1, "candidate clause 1"),
    ("4 1 0 -1 3 0\n5 0 3 4 1 0\n", "rat-no-conflict", 4, 1, "candidate clause 1"),
    ("4 1 0 -1 2 -2 0\n5 0 3 4 1 0\n", "rat-candidate", 4, 1, "-2"),           # not a candidate
    ("4 1 0 -2 2 0\n5 0 3 4 1 0\n", "rat-missing", 4, 1, "clause 1"),
    ("4 1 0 -1 2 -1 2 0\n5 0 3 4 1 0\n", "rat-candidate", 4, 1, "-1"),          # a candidate twice
    ("4 1 0 0\n5 0 3 4 1 0\n", "no-conflict", 4, 1, "conflict"),                # RAT needed, none given
]
EXTENSION_INVALID = [  # a RAT step missing a candidate; candidates out of order
    ("5 -3 1 0 0\n6 -3 2 0 0\n7 3 -1 -2 0 -5 0\n8 2 0 1 2 0\n9 0 8 4 3 0\n", "rat-missing", 7, 3, "clause 6"),
    ("5 -3 1 0 0\n6 -3 2 0 0\n7 3 -1 -2 0 -6 -5 0\n8 2 0 1 2 0\n9 0 8 4 3 0\n", "rat-missing", 7, 3, "clause 5"),
]

FORMULAS = [  # (formula bytes, code, line)
    (b"1 2 0\n", "header", 1),
    (b"", "header", 1),
    (b"c only a comment\n", "header", 2),
    (b"p cnf x 3\n", "syntax", 1),
    (b"p dnf 2 1\n1 0\n", "header", 1),
    (b"p cnf -2 1\n1 0\n", "header", 1),
    (b"p cnf 2\n", "header", 2),
    (b"p cnf 2 1\n1 3 0\n", "literal", 2),
    (b"p cnf 2 1\n1 -3 0\n", "literal", 2),
    (b"p cnf 2 3\n1 0\n", "count", 3),
    (b"p cnf 2 1\n1 0\n2 0\n", "count", 3),
    (b"p cnf 2 1\n1 2", "eof", 2),
    (b"p cnf 2 1\n99999999999 0\n", "range", 2),
    (b"p cnf 2 1\n2147483648 0\n", "range", 2),
    pytest.param(b"p cnf 2 1\n" + b"9" * 6000 + b" 0\n", "range", 2, id="6000 digits"),  # past int()'s limit
    pytest.param(b"p cnf 2 1\n" + b"0" * 6000 + b"1 2 0\n", None, None, id="6000 leading zeros"),  # just 1
    (b"p cnf 2 1\n1 2 0\n%\n0\n", "syntax", 3),
    (b"p cnf 2 1\n1 2x 0\n", "syntax", 2),
    (b"\x00\xff\xfe garbage", "header", 1),
    (b"p cnf 2 1\n1 \x00 0\n", "syntax", 2),
]

PROOFS = [  # (proof bytes, code, line, offset)
    (b"5 2 0 1", "eof", 1, None),
    (b"5 2 0 1 2 0\n6 0 5 3", "eof", 2, None),
    (b"5 2 0 1 2 0\nxyz\n", "syntax", 2, None),
    (b"5 2 0 1 2 0\n\x00\xff\n", "syntax", 2, None),
    (b"99999999999 2 0 1 2 0\n", "range", 1, None),
    (b"5 2 0 1 2147483648 0\n", "range", 1, None),
    pytest.param(b"5 2 0 1 " + b"9" * 6000 + b" 0\n", "range", 1, None, id="6000 digits"),
    (b"0 2 0 1 2 0\n", "id", 1, None),
    (b"-5 2 0 1 2 0\n", "id", 1, None),
    (b"5 2 0 1 2 0\n6 d -1 0\n", "id", 2, None),
    (b"5 2 0 1 2 0\n6 dx 1 0\n", "syntax", 2, None),
    (b"5 2 0 1 2 0\n6\n", "eof", 3, None),
    (b"a\x0a\x8a", "eof", None, 3),                        # cut inside a number
    (b"a\x0a\x04\x00\x02\x04\x00" + b"a\x0c", "eof", None, 9),  # cut inside a step
    (b"a\x0a\x80\x80\x80\x80\x80\x00", "range", None, 2),  # six bytes
    (b"a\x0a\xff\xff\xff\xff\x1f\x00", "range", None, 2),  # above 2^32
    (b"a\x01\x04\x00\x02\x04\x00", "id", None, 1),          # a negative id
    (b"a\x0a\x04\x00\x02\x04\x00x", "syntax", None, 7),    # neither 'a' nor 'd'
    (b"d\x03\x00", "id", None, 1),
]


# --- controls with a known answer (test_policy_encode, test_policy_known_answers) ------------------------

ACCOUNT = {"kind": "account", "id": "111122223333", "organization": "o-a1b2c3d4e5",
           "trusted_sources": ["198.51.100.0/24"]}


def bucket(sid, *statements):
    return {"kind": "s3-bucket-policy", "id": sid, "account": ACCOUNT["id"],
            "resources": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            "document": {"Version": "2012-10-17", "Statement": list(statements)}}


def sg(sid, *rules, name="web"):
    return {"kind": "security-group", "id": sid, "account": ACCOUNT["id"],
            "document": {"GroupId": f"sg-{sid}", "GroupName": name, "IpPermissions": list(rules)}}


READ = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
ORG_ONLY = dict(READ, Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})
HTTPS_ONLY = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
              "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
SSH_WORLD = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
SSH_VPN = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "198.51.100.0/24"}]}
HTTPS_WORLD = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}

# control id -> (subject expected to PASS, subject expected to FAIL), from the documented rules:
# Principal "*" is anyone unless a condition pins the organisation; a Deny on SecureTransport false
# covers plain HTTP; a security group admits what any rule admits.
KNOWN = {
    "S3-1": (bucket("org-read", ORG_ONLY), bucket("public-read", READ)),
    "S3-3": (bucket("https-only", READ, HTTPS_ONLY), bucket("http-too", READ)),
    "NET-1": (sg("vpn-ssh", SSH_VPN), sg("world-ssh", SSH_WORLD)),
    "NET-4": (sg("web", HTTPS_WORLD, SSH_VPN), sg("world-ssh", SSH_WORLD)),
    "NET-3": (sg("default", name="default"), sg("default", SSH_VPN, name="default")),
}


# --- SMT problems (test_smt_native, test_smt_cli, test_smt_corruptions; test_smt_cvc5, bench_smt_cvc5) --------

KNAPSACK = ("(declare-const x Int)(declare-const y Int)(declare-const z Int)"
            "(assert (<= 1 (+ (* 3 x) (* 5 y) (* 7 z)) 2))(assert (<= 0 x 1))(assert (<= 0 y 1))(assert (<= 0 z 1))")

SMT_UNSAT = {
    "uf-cycle": """(set-logic QF_UF) (declare-sort U 0) (declare-fun f (U) U) (declare-const a U)
        (declare-const p Bool)
        (assert (= (f (f (f a))) a)) (assert (= (f (f (f (f (f a))))) a))
        (assert (or p (not (= (f a) a)))) (assert (not p))""",
    "lra-cycle": """(set-logic QF_LRA) (declare-const x Real) (declare-const y Real) (declare-const z Real)
        (assert (< x y)) (assert (< y z)) (assert (or (< z x) (= x (+ z 1))))""",
    "lia-pigeons": """(set-logic QF_LIA) (declare-const a Int) (declare-const b Int) (declare-const c Int)
        (assert (and (<= 1 a) (<= a 2) (<= 1 b) (<= b 2) (<= 1 c) (<= c 2))) (assert (distinct a b c))""",
    "lia-parity": """(set-logic QF_LIA) (declare-const x Int) (declare-const y Int) (declare-const z Int)
        (assert (or (= (+ (* 2 x) (* 4 y)) (+ (* 6 z) 3)) (and (> x 10) (< x 5))))
        (assert (or (< (+ x y) 3) (> (+ x y) 7)))""",
    "glob-s3": """(set-logic QF_S) (declare-const r String)
        (assert (str.in_re r (re.++ (str.to_re "arn:aws:s3:::bucket/") (re.* re.allchar))))
        (assert (not (str.in_re r (re.++ (str.to_re "arn:aws:s3:::") (re.* re.allchar)))))""",
}
SMT_SAT = {
    "uf-sat": """(set-logic QF_UF) (declare-sort U 0) (declare-fun f (U) U) (declare-const a U)
        (declare-const b U) (assert (not (= (f a) a))) (assert (= (f b) b))""",
    "lra-sat": """(set-logic QF_LRA) (declare-const x Real) (declare-const y Real)
        (assert (< (+ x y) (/ 1 3))) (assert (> (- x y) 2.5))""",
    "lia-sat": """(set-logic QF_LIA) (declare-const x Int) (declare-const y Int)
        (assert (= (+ (* 3 x) (* 5 y)) 1)) (assert (< x 0))""",
    "glob-sat": """(set-logic QF_S) (declare-const r String)
        (assert (str.in_re r (re.++ (str.to_re "arn:aws:s3:::") (re.* re.allchar) (str.to_re ".log"))))
        (assert (not (= r "arn:aws:s3:::x.log")))""",
}


# --- reports (test_reports, test_report_browser) -------------------------------------------------------------

SECTIONS = ["Scope", "Status matrix", "Method", "Controls", "Completeness", "Exceptions",
            "Changes since the previous run", "Artifact index", "Reproduce offline"]
EXCEPTIONS = [{"control": "C-4", "owner": "alice@example.com", "reason": "encoder fix pending, SEC-42",
               "expires": date(2999, 12, 31)},
              {"control": "C-2", "owner": "bob@example.com", "reason": "old waiver", "expires": date(2001, 1, 1)}]


# --- SARIF 2.1.0's structure, as the standard states it (OASIS SARIF 2.1.0, section 3), for what we write --------

_MESSAGE = {"type": "object", "anyOf": [{"required": ["text"]}, {"required": ["id"]}],
            "properties": {"text": {"type": "string"}, "id": {"type": "string"}}}
_PROPERTY_BAG = {"type": "object"}
SARIF_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"const": "2.1.0"},
        "runs": {"type": "array", "items": {"$ref": "#/$defs/run"}},
    },
    "$defs": {
        "run": {"type": "object", "required": ["tool"], "properties": {
            "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {"$ref": "#/$defs/component"}}},
            "results": {"type": "array", "items": {"$ref": "#/$defs/result"}},
            "invocations": {"type": "array", "items": {"type": "object", "required": ["executionSuccessful"],
                                                       "properties": {
                "executionSuccessful": {"type": "boolean"},
                "toolExecutionNotifications": {"type": "array", "items": {
                    "type": "object", "required": ["message"],
                    "properties": {"message": _MESSAGE, "level": {"$ref": "#/$defs/level"}}}}}}},
            "automationDetails": {"type": "object", "properties": {"id": {"type": "string"}}},
            "properties": _PROPERTY_BAG}},
        "component": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"}, "version": {"type": "string"},
            "rules": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"}, "name": {"type": "string"},
                "shortDescription": _MESSAGE, "fullDescription": _MESSAGE, "help": _MESSAGE,
                "properties": _PROPERTY_BAG}}}}},
        "level": {"enum": ["none", "note", "warning", "error"]},
        "result": {"type": "object", "required": ["message"], "properties": {
            "ruleId": {"type": "string"}, "ruleIndex": {"type": "integer", "minimum": -1},
            "level": {"$ref": "#/$defs/level"}, "message": _MESSAGE,
            "locations": {"type": "array", "items": {"type": "object", "properties": {
                "physicalLocation": {"type": "object", "anyOf": [{"required": ["artifactLocation"]},
                                                                 {"required": ["address"]}], "properties": {
                    "artifactLocation": {"type": "object", "properties": {"uri": {"type": "string"}}},
                    "region": {"type": "object", "properties": {"startLine": {"type": "integer", "minimum": 1}}}}}}}},
            "partialFingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
            "properties": _PROPERTY_BAG}},
    },
}
