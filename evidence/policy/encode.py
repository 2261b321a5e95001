"""Access policies as SMT: a request is a handful of variables, and "the policies allow it" a formula
over them that holds exactly when `evaluate.decide` says Allow (the differential test checks this).

The request, as variables (docs/CONTROLS.md, "Encoding"):

* principal: `pk` (0 AWS, 1 Service, 2 Federated, 3 Anonymous). An AWS caller's ARN is
  arn:`p_part`:`p_svc`::`p_acct`:`p_res` (each component free of ':'), with its organisation
  (`p_hasorg`, `p_org`) and, for a role session, the role arn:`p_part`:iam::`p_acct`:`p_role`
  (`p_hasrole`). A service or federated provider is named by `p_other`.
* action `act` (upper-case letters in a model's action are replaced when decoded by a character no
  literal holds: IAM compares actions case-insensitively, and the evaluator lower-cases them),
  resource arn:`r1`:`r2`:`r3`:`r4`:`r5` (r5 may hold ':').
* every condition key the policies name: how many values it has (`n_K`, 0 = absent) and that many
  value slots, as many as conditions test the key: a violation needs at most one value per condition
  (to make a ForAnyValue true or a ForAllValues false), so the bound loses no request.

Keys no condition names change no decision; leaving them out of requests loses no violation, because
every query below only gets easier to violate without them (an outsider without source keys).
Anything else raises `Unsupported`, naming the feature: never an approximation.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache

from .conditions import Condition
from .document import Policy, PrincipalSpec, Statement
from .errors import Unsupported
from .patterns import ARN_COMPONENTS, STAR, ArnPattern, Glob, Var, Wild, parse_glob, split_arn, split_glob_at_colons
from .smtlib import FALSE, TRUE, Const, Problem, and_, contains_any, eq, implies, in_glob, lit, not_, num, one_of, or_

AWS, SERVICE, FEDERATED, ANONYMOUS = range(4)
KINDS = ("AWS", "Service", "Federated", "Anonymous")
# Values a reader expects in a counterexample, offered first for each string variable of Request
# (evidence/smt/readable.py keeps one only where the problem stays satisfied): an S3 object ARN, an
# outsider account's root, a lower-case action.
READABLE = {"p_part": ["aws"], "p_acct": ["123456789012"], "p_res": ["root", "user/example"],
            "p_role": ["role/example"], "p_other": ["example.amazonaws.com"], "act": ["s3:getobject"],
            "r1": ["aws"], "r2": ["s3"], "r3": [""], "r4": [""], "r5": ["example-bucket/example"]}
TYPES = ("Account", "AssumedRole", "FederatedUser", "User", "Role")
DERIVED = ("aws:principalarn", "aws:principalaccount", "aws:principalorgid", "aws:principaltype",
           "aws:username", "aws:principalservicename", "kms:calleraccount")
STRING_FAMILIES = {"string", "string-ignore-case", "like", "bool", "null"}
NOT_ARN, NOT_IP, NOT_NUMBER = "not-an-arn", "not-an-ip", "not-a-number"


# --- values a condition can be judged on --------------------------------------------------------------

@dataclass(frozen=True)
class Str:
    term: str  # a String variable or a Const


@dataclass(frozen=True)
class Arn:
    parts: tuple  # six String terms
    is_arn: str  # formula: the value is an ARN at all
    tail_colons: bool  # may the last component hold ':'?


@dataclass(frozen=True)
class Ip:
    is_ip: str
    version: str
    value: str


@dataclass(frozen=True)
class Number:
    is_number: str
    value: str  # a Real variable
    dates: bool  # read as a date (ISO 8601 or epoch seconds) rather than a number


@dataclass(frozen=True)
class Split:
    """`whole` = head ++ tail, the `fixed` part (head, or tail when `at_end`) as long as the sum of
    the lengths of `measure` (string terms): a function of the request, so a match stated over it is
    exact under negation too (codec.assignment computes it)."""
    whole: str
    head: str
    tail: str
    measure: tuple
    at_end: bool


@dataclass
class Key:
    """A condition key of the request: its kind (str, arn, ip, number) and value slots."""
    name: str
    kind: str
    count: str  # Int variable: how many values
    slots: list = field(default_factory=list)


@lru_cache(maxsize=None)
def _shape_implications(r2: str, r3: str, r4: str) -> tuple[str, ...]:
    """Resource ARNs' region and account shapes, one implication per group of services (authref): the
    same text for every request, so written once a process, not once a pair (it was most of encoding)."""
    from . import authref
    out = []
    for shapes, services in authref.shape_groups():
        allowed = [and_(eq(r3, "") if region else not_(eq(r3, "")), eq(r4, "") if account else not_(eq(r4, "")))
                   for region, account in sorted(shapes)]
        out.append(implies(one_of(r2, services), or_(*allowed)))
    return tuple(out)


@lru_cache(maxsize=None)
def _acting_without(act: str, key: str) -> str | None:
    """`act` is one of the actions that never set `key` (authref.actions_without), or None: no such action."""
    from . import authref
    without = authref.actions_without(key)
    return one_of(act, without) if without else None


class Request:
    """The request's variables in a problem, and the formulas policies are read into."""

    def __init__(self, problem: Problem, policies, extra_keys=()):
        self.problem = p = problem
        self.pk = p.declare("pk", "Int")
        s = {n: p.declare(n, "String") for n in ("p_part", "p_svc", "p_acct", "p_res", "p_org", "p_role", "p_other",
                                                 "act", "r1", "r2", "r3", "r4", "r5", "p_upath", "p_uname")}
        self.s = s
        self.hasorg, self.hasrole = p.declare("p_hasorg", "Bool"), p.declare("p_hasrole", "Bool")
        self.name = (Const("arn"), s["p_part"], s["p_svc"], Const(""), s["p_acct"], s["p_res"])
        self.role = (Const("arn"), s["p_part"], Const("iam"), Const(""), s["p_acct"], s["p_role"])
        self.resource = (Const("arn"), s["r1"], s["r2"], s["r3"], s["r4"], s["r5"])
        self.keys: dict[str, Key] = {}
        self.splits: list[Split] = []  # policy-variable matches: their skolem strings (codec.assignment)
        self._split_cache: dict = {}
        self._domain()
        self._declare_keys(policies, extra_keys)
        self._realism()

    def is_kind(self, kind: int) -> str:
        return f"(= {self.pk} {kind})"

    def _domain(self):
        p, s = self.problem, self.s
        p.add(f"(<= 0 {self.pk})")
        p.add(f"(<= {self.pk} 3)")
        for name in ("p_part", "p_acct", "p_res", "p_role", "r1", "r2", "r3", "r4"):
            p.add(not_(contains_any(s[name], ":")))
        for name in ("p_part", "p_acct"):  # so ':user/' and the like can only start the resource part
            p.add(not_(contains_any(s[name], "/")))
        p.add(in_glob(s["p_acct"], parse_glob("?" * 12, True, False)))
        p.add(one_of(s["p_svc"], ("iam", "sts")))
        p.add(implies(self.hasorg, not_(eq(s["p_org"], ""))))
        p.add(implies(self.hasrole, and_(eq(s["p_svc"], "sts"), in_glob(s["p_res"], _glob("assumed-role/*")),
                                         in_glob(s["p_role"], _glob("role/*")))))
        # An IAM user's ARN is user/PATH/NAME: aws:username is NAME, the part after the last '/', never
        # empty (request.Principal.derived_context reads it the same way).
        user = and_(self.is_kind(AWS), self.type_is("User"))
        p.add(implies(user, and_(f"(= {s['p_res']} (str.++ {s['p_upath']} {s['p_uname']}))",
                                 not_(contains_any(s["p_uname"], "/")), not_(eq(s["p_uname"], "")),
                                 or_(eq(s["p_upath"], "user/"), in_glob(s["p_upath"], _glob("user/*/"))))))
        # Actions and service names are compared lower-cased. Forbidding upper case here would cost the
        # string theory a product state per letter seen (2^26); instead a model's upper-case letters
        # in the action are replaced when decoded, and one with an upper-case service name is refused
        # (codec.decode); UNSAT loses nothing: the evaluator sees only the lower-cased action, so
        # every violation has a lower-case one.

    def _realism(self):
        """Requests AWS cannot send are no requests (request.unrealisable states the same for the
        evaluator, docs/CONTROLS.md "Request realism"): an anonymous caller carries no principal key;
        aws:PrincipalIsAWSService is "true" only for a service principal, "false" for any other signed
        request; aws:PrincipalTag only for IAM users and sessions; a service's keys only on the actions
        that set them and typed keys only with values of their type (authref: the service authorization
        reference); resource ARNs with a region and account shape some resource type of their service has."""
        from . import authref
        from .request import BOOLEAN_VALUES, TAGGED_TYPES, principal_only
        p, s = self.problem, self.s
        tagged = and_(self.is_kind(AWS), or_(*(self.type_is(t) for t in TAGGED_TYPES)))
        for key, entry in self.keys.items():
            absent = f"(= {entry.count} 0)"
            if principal_only(key):
                p.add(implies(self.is_kind(ANONYMOUS), absent))
            if key.startswith("aws:principaltag/"):
                p.add(implies(not_(tagged), absent))
            if key == "aws:userid":
                p.add(f"(<= {entry.count} 1)")
            without = _acting_without(s["act"], key)
            if without is not None:
                p.add(implies(without, absent))
            kind = authref.key_type(key)
            for j, slot in enumerate(entry.slots):
                present = f"(< {j} {entry.count})"
                if key == "aws:principalisawsservice" and isinstance(slot, Str):
                    p.add(implies(and_(present, self.is_kind(SERVICE)), eq(slot.term, "true")))
                    p.add(implies(and_(present, not_(self.is_kind(SERVICE))), eq(slot.term, "false")))
                if kind == "IPAddress" and isinstance(slot, Ip):
                    p.add(implies(present, slot.is_ip))
                if kind in ("Numeric", "Date") and isinstance(slot, Number) and slot.dates == (kind == "Date"):
                    p.add(implies(present, slot.is_number))
                if kind == "Bool" and isinstance(slot, Str):
                    p.add(implies(present, one_of(slot.term, BOOLEAN_VALUES)))
        for assertion in _shape_implications(s["r2"], s["r3"], s["r4"]):
            p.add(assertion)

    # --- condition keys ---

    def _declare_keys(self, policies, extra_keys):
        uses: dict[str, list] = {}
        for policy in policies:
            for statement in policy.statements:
                for c in statement.conditions:
                    if c.operator.family == "not-modelled":
                        raise Unsupported(f"condition operator {c.operator.text} ({c.where})")
                    uses.setdefault(c.key, []).append(c.operator.family)
        for key in extra_keys:
            uses.setdefault(key, []).append("string")
        for key in sorted(variable_keys(policies)):  # ${key}: a string value of the request
            uses.setdefault(key, []).append("string")
        from .request import DERIVED_KEYS
        if not set(DERIVED_KEYS) <= set(DERIVED):  # the evaluator derives a key this encoding does not
            raise Unsupported(f"derived condition keys {', '.join(sorted(set(DERIVED_KEYS) - set(DERIVED)))}")
        for i, (key, families) in enumerate(sorted(uses.items())):
            if key in DERIVED:
                continue
            self.keys[key] = self._key(i, key, families)

    def _key(self, i, key, families) -> Key:
        p = self.problem
        kinds = {"str" if f in STRING_FAMILIES else "number" if f in ("numeric", "date") else f for f in families}
        kinds.discard("null") if len(kinds) > 1 else None
        if len(kinds - {"str"}) > 1 or (len(kinds) > 1 and not ({"str", "arn"} >= kinds)) or \
                len({f for f in families if f in ("numeric", "date")}) > 1:
            raise Unsupported(f"condition key {key} compared with operators of different kinds "
                              f"({', '.join(sorted(set(families)))})")
        kind = "arn" if "arn" in kinds else kinds.pop()
        count = p.declare(f"n{i}", "Int")
        slots = max(1, len(families))
        p.add(f"(<= 0 {count})")
        p.add(f"(<= {count} {slots})")
        entry = Key(key, kind, count)
        for j in range(slots):
            v = f"k{i}_{j}"
            if kind == "str":
                entry.slots.append(Str(p.declare(v, "String")))
            elif kind == "arn":
                parts = tuple(p.declare(f"{v}_{c}", "String") for c in range(ARN_COMPONENTS))
                for part in parts[:-1]:
                    p.add(not_(contains_any(part, ":")))
                entry.slots.append(Arn(parts, p.declare(f"{v}_arn", "Bool"), True))
            elif kind == "ip":
                ver, val = p.declare(f"{v}_ver", "Int"), p.declare(f"{v}_ip", "Int")
                p.add(f"(or (= {ver} 4) (= {ver} 6))")
                p.add(f"(<= 0 {val})")
                p.add(f"(or (and (= {ver} 4) (<= {val} {(1 << 32) - 1})) "
                      f"(and (= {ver} 6) (<= {val} {(1 << 128) - 1})))")
                entry.slots.append(Ip(p.declare(f"{v}_isip", "Bool"), ver, val))
            else:
                entry.slots.append(Number(p.declare(f"{v}_isnum", "Bool"), p.declare(f"{v}_num", "Real"),
                                          "date" in families))
        return entry

    def values(self, key: str) -> list:
        """(guard, value) pairs: the key's values in the request, each present when its guard holds."""
        aws = self.is_kind(AWS)
        if key == "aws:principalarn":
            return [(and_(aws, self.hasrole), Arn(self.role, TRUE, False)),
                    (and_(aws, not_(self.hasrole)), Arn(self.name, TRUE, False))]
        if key in ("aws:principalaccount", "kms:calleraccount"):
            return [(aws, Str(self.s["p_acct"]))]
        if key == "aws:principalorgid":
            return [(and_(aws, self.hasorg), Str(self.s["p_org"]))]
        if key == "aws:principaltype":
            return [(and_(aws, self.type_is(t)), Str(Const(t))) for t in TYPES] + \
                [(self.is_kind(ANONYMOUS), Str(Const("Anonymous")))]
        if key == "aws:principalservicename":
            return [(self.is_kind(SERVICE), Str(self.s["p_other"]))]
        if key == "aws:username":
            return [(and_(aws, self.type_is("User")), Str(self.s["p_uname"]))]
        entry = self.keys.get(key)
        if entry is None:
            return []
        return [(f"(< {j} {entry.count})", slot) for j, slot in enumerate(entry.slots)]

    def type_is(self, principal_type: str) -> str:
        res = self.s["p_res"]
        root = eq(res, "root")
        assumed = and_(not_(root), in_glob(res, _glob("assumed-role/*")))
        federated = and_(not_(root), not_(assumed), in_glob(res, _glob("federated-user/*")))
        user = and_(not_(root), not_(assumed), not_(federated), in_glob(res, _glob("user/*")))
        return {"Account": root, "AssumedRole": assumed, "FederatedUser": federated, "User": user,
                "Role": and_(not_(root), not_(assumed), not_(federated), not_(user))}[principal_type]

    # --- policies ---

    def allowed(self, policies) -> str:
        return and_(not_(self.denied(policies)),
                    or_(*(self.applies(s) for p in policies for s in p.statements if s.effect == "Allow")))

    def denied(self, policies) -> str:
        """Some Deny statement applies: an explicit deny."""
        return or_(*(self.applies(s) for p in policies for s in p.statements if s.effect == "Deny"))

    def applies(self, st: Statement) -> str:
        parts = []
        if st.principal is not None:
            matched = self.principal_matches(st.principal)
            parts.append(not_(matched) if st.not_principal else matched)
        actions = or_(*(in_glob(self.s["act"], g) for g in st.actions))
        parts.append(not_(actions) if st.not_action else actions)
        if st.resources is not None:
            resources = or_(*(arn_matches(r, self.resource, TRUE, True, self) for r in st.resources))
            parts.append(not_(resources) if st.not_resource else resources)
        parts += [self.holds(c) for c in st.conditions]
        return and_(*parts)

    def principal_matches(self, spec: PrincipalSpec) -> str:
        if spec.everyone:
            return TRUE
        if spec.unsupported:
            raise Unsupported(spec.unsupported[0])
        s = self.s
        aws = or_(one_of(s["p_acct"], spec.accounts) if spec.accounts else FALSE,
                  *(self.is_named(a) for a in sorted(spec.arns)))
        return or_(and_(self.is_kind(AWS), aws),
                   and_(self.is_kind(SERVICE), one_of(s["p_other"], spec.services)) if spec.services else FALSE,
                   and_(self.is_kind(FEDERATED), one_of(s["p_other"], spec.federated)) if spec.federated else FALSE)

    def is_named(self, arn: str) -> str:
        """The AWS caller is the principal with this ARN: itself, or a session of this role."""
        return or_(literal_arn(self.name, arn), and_(self.hasrole, literal_arn(self.role, arn)))

    def holds(self, c: Condition) -> str:
        op = c.operator
        values = self.values(c.key)
        present = or_(*(g for g, _ in values))
        if op.family == "null":
            return or_(*((not_(present) if v else present) for v in c.values))
        if op.if_exists or op.qualifier == "ForAllValues":
            absent = TRUE
        elif op.qualifier == "ForAnyValue":
            absent = FALSE
        else:
            absent = TRUE if op.negated else FALSE
        judged = [(g, self.value_holds(c, v)) for g, v in values]
        if op.qualifier == "ForAllValues" or (op.qualifier is None and op.negated):
            combined = and_(*(implies(g, h) for g, h in judged))
        else:
            combined = or_(*(and_(g, h) for g, h in judged))
        return or_(and_(not_(present), absent), and_(present, combined))

    def value_holds(self, c: Condition, value) -> str:
        matched = or_(*(match(c, pv, value, self) for pv in c.values))
        return not_(matched) if c.operator.negated else matched

    # --- policy variables ---

    def resolutions(self, key: str) -> list:
        """(guard, parts) pairs for ${key}: the guards exclusive, `parts` the string terms the variable
        stands for when its guard holds. AWS substitutes a key with exactly one value; with none (or
        several) the variable has no value and no guard holds."""
        out = []
        for guard, value in self.values(key):
            if isinstance(value, Str):
                out.append((guard, (value.term,)))
            elif isinstance(value, Arn) and not value.tail_colons:
                joined: list = []
                for i, part in enumerate(value.parts):
                    joined += ([Const(":")] if i else []) + [part]
                out.append((guard, tuple(joined)))
            else:
                raise Unsupported(f"policy variable ${{{key}}} on a key compared as an ARN, address or number")
        if key in self.keys:  # a context key: substituted only when it has exactly one value
            entry = self.keys[key]
            out = [(f"(= {entry.count} 1)", parts) for _, parts in out[:1]]
        return out

    def glob_holds(self, term: str, glob: Glob, ignore_case: bool = False) -> str:
        """`term` matches `glob`, its policy variables replaced by the request's values (IAM User Guide,
        "IAM policy elements: Variables and tags", Policy variables with no value: a variable whose key
        has no value matches nothing, so StringEquals and Resource do not match, StringNotEquals does;
        a default value, ${key, 'text'}, stands in for a missing key)."""
        if not glob.variables:
            return in_glob(term, glob, ignore_case)
        if ignore_case:
            raise Unsupported(f"policy variable in the case-insensitive pattern {glob.text!r}")
        choices = []
        for var in dict.fromkeys(glob.variables):
            cases = self.resolutions(var.key)
            none = not_(or_(*(g for g, _ in cases)))
            cases.append((none, (Const(var.default),) if var.default is not None else None))
            choices.append((var, cases))
        out = []
        for combination in itertools.product(*(cases for _, cases in choices)):
            guard = and_(*(g for g, _ in combination))
            if guard == FALSE or any(parts is None for _, parts in combination):
                continue  # a variable without value: this glob matches nothing
            bound = {var: parts for (var, _), (_, parts) in zip(choices, combination)}
            out.append(and_(guard, self._substituted(term, glob, bound)))
        return or_(*out)

    def _substituted(self, term: str, glob: Glob, bound: dict) -> str:
        items: list = []  # str | Wild | a string term
        for part in glob.parts:
            if isinstance(part, Var):
                for t in bound[part]:
                    items.append(str(t) if isinstance(t, Const) else ("term", t))
            else:
                items.append(part)
        merged: list = []
        for item in items:
            if isinstance(item, str) and merged and isinstance(merged[-1], str):
                merged[-1] += item
            elif item != "":
                merged.append(item)
        if not any(isinstance(x, tuple) for x in merged):
            return in_glob(term, Glob(tuple(merged), glob.text))
        wild = [i for i, x in enumerate(merged) if isinstance(x, Wild)]
        if not wild:
            return f"(= {_string(term)} {_concat(merged)})"
        head, rest = merged[:wild[0]], merged[wild[0]:]
        at_end = not any(isinstance(x, tuple) for x in head) or any(isinstance(x, tuple) for x in rest)
        if at_end:
            head, rest = merged[:wild[-1] + 1], merged[wild[-1] + 1:]
            fixed, free = rest, head
        else:
            fixed, free = head, rest
        if any(isinstance(x, tuple) for x in free):
            raise Unsupported(f"policy variables on both sides of a wildcard in {glob.text!r}")
        split = self._split(term, fixed, at_end)
        free_glob = in_glob(split.head if at_end else split.tail, Glob(tuple(free), glob.text))
        return and_(self._long_enough(split), f"(= {split.tail if at_end else split.head} {_concat(fixed)})",
                    free_glob)

    def _split(self, term: str, fixed: list, at_end: bool) -> Split:
        measure = tuple(x[1] for x in fixed if isinstance(x, tuple)) + \
            tuple(Const(x) for x in fixed if isinstance(x, str))
        cache_key = (str(term), isinstance(term, Const), measure, at_end)
        if cache_key in self._split_cache:
            return self._split_cache[cache_key]
        n = len(self.splits)
        head = self.problem.declare(f"sv{n}_h", "String")
        tail = self.problem.declare(f"sv{n}_t", "String")
        split = Split(term, head, tail, measure, at_end)
        self.splits.append(split)
        self._split_cache[cache_key] = split
        part = tail if at_end else head
        self.problem.add(implies(self._long_enough(split),
                                 and_(f"(= {_string(term)} (str.++ {head} {tail}))",
                                      f"(= (str.len {part}) {_length(measure)})")))
        return split

    def _long_enough(self, split: Split) -> str:
        return f"(<= {_length(split.measure)} (str.len {_string(split.whole)}))"


def _string(term) -> str:
    return lit(str(term)) if isinstance(term, Const) else term


def _concat(items: list) -> str:
    terms = [lit(x) if isinstance(x, str) else _string(x[1]) for x in items]
    return terms[0] if len(terms) == 1 else f"(str.++ {' '.join(terms)})"


def _length(measure: tuple) -> str:
    known = sum(len(t) for t in measure if isinstance(t, Const))
    terms = [f"(str.len {t})" for t in measure if not isinstance(t, Const)]
    if not terms:
        return str(known)
    return f"(+ {' '.join(terms + ([str(known)] if known else []))})" if len(terms) > 1 or known else terms[0]


def variable_keys(policies) -> set:
    """The keys the policies' Resource elements and condition values name as ${key}."""
    out = set()
    for policy in policies:
        for st in policy.statements:
            globs = [g for r in st.resources or () for g in r.components]
            for c in st.conditions:
                for v in c.values:
                    globs += list(v.components) if isinstance(v, ArnPattern) else [v] if isinstance(v, Glob) else []
            out |= {var.key for g in globs for var in g.variables}
    return out


# --- matching one request value against one policy value -----------------------------------------------

def match(c: Condition, policy_value, value, req: "Request | None" = None) -> str:
    family = c.operator.family
    if family in ("string", "string-ignore-case", "like", "bool"):
        glob = parse_glob("true" if policy_value else "false", False, False) if family == "bool" else policy_value
        ignore = family in ("string-ignore-case", "bool")
        if isinstance(value, Str):
            return _holds(req, value.term, glob, ignore)
        if isinstance(value, Arn):  # a value that is no ARN is the text NOT_ARN
            return or_(and_(value.is_arn, glob_on_arn(glob, value, ignore, c, req)),
                       and_(not_(value.is_arn), _holds(req, Const(NOT_ARN), glob, ignore)))
        raise Unsupported(f"string operator {c.operator.text} on {c.key_text} ({c.where})")
    if family == "arn":
        if not isinstance(value, Arn):
            raise Unsupported(f"ARN operator {c.operator.text} on {c.key_text} ({c.where})")
        return and_(value.is_arn, arn_matches(policy_value, value.parts, TRUE, value.tail_colons, req))
    if family == "ip":
        b = policy_value
        return and_(value.is_ip, f"(= {value.version} {b.version})", f"(<= {b.first} {value.value})",
                    f"(<= {value.value} {b.last})")
    if family in ("numeric", "date"):
        operator = {"==": "="}.get(c.operator.comparison, c.operator.comparison)
        return and_(value.is_number, f"({operator} {value.value} {num(policy_value)})")
    raise Unsupported(f"condition operator {c.operator.text} ({c.where})")


def _holds(req, term, glob: Glob, ignore_case: bool = False) -> str:
    if req is None:
        return in_glob(term, glob, ignore_case)  # raises Unsupported on a variable
    return req.glob_holds(term, glob, ignore_case)


def glob_on_arn(glob: Glob, value: Arn, ignore_case: bool, c: Condition, req=None) -> str:
    """A whole-string glob on an ARN held as components: exact when the glob has exactly five literal
    colons and no component holds one (each literal colon must then meet one of the ARN's five)."""
    pieces = split_glob_at_colons(glob.parts)
    if len(pieces) != ARN_COMPONENTS or value.tail_colons:
        if glob.is_literal and len(pieces) < ARN_COMPONENTS:
            return FALSE  # an ARN has five colons: a literal with fewer equals none
        raise Unsupported(f"{c.operator.text} pattern {glob.text!r} on the ARN key {c.key_text} ({c.where})")
    return and_(*(_holds(req, t, Glob(tuple(p), glob.text), ignore_case) for t, p in zip(value.parts, pieces)))


def arn_matches(pattern: ArnPattern, parts: tuple, is_arn: str, tail_colons: bool, req=None) -> str:
    """`ArnPattern.matches` on six components (the first four free of ':'); `req` resolves policy
    variables (without it, a variable is Unsupported)."""
    n = len(pattern.components)
    if not pattern.open_tail:
        return and_(is_arn, *(_holds(req, t, g) for t, g in zip(parts, pattern.components)))
    head = [_holds(req, t, g) for t, g in zip(parts, pattern.components[:n - 1])]
    last = pattern.components[-1].parts
    if last == (Wild(STAR),):
        tail = TRUE
    elif len(last) == 2 and isinstance(last[0], str) and ":" not in last[0] and last[1] == Wild(STAR) and n - 1 < 5:
        tail = _holds(req, parts[n - 1], pattern.components[-1])  # a colon-free prefix lies in that component
    else:
        raise Unsupported(f"ARN pattern {pattern.text!r} (a wildcard spanning components)")
    return and_(is_arn, *head, tail)


def literal_arn(parts: tuple, arn: str) -> str:
    values = split_arn(arn)
    if len(values) != ARN_COMPONENTS:
        return FALSE
    if any(":" in v for v in values[:-1]):
        return FALSE
    return and_(*(eq(t, v) for t, v in zip(parts, values)))


def _glob(text: str) -> Glob:
    return parse_glob(text, True, False)


__all__ = ["Request", "Problem", "Unsupported", "literal_arn", "arn_matches", "lit", "KINDS", "NOT_ARN", "NOT_IP",
           "NOT_NUMBER", "TRUE", "FALSE", "Policy"]
