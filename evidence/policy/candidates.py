"""Finite sets of candidate requests and packets for the untrusted counterexample search.

Built from the constants of the subject (principals, actions, ARNs, condition values, CIDR bounds,
port bounds) plus "fresh" values that match no literal. For packets the set is complete: a verdict
is constant between consecutive range bounds, and every bound and its neighbours are tried. For
requests it is a heuristic, capped and sampled deterministically when the product is too large.
"""
from __future__ import annotations

import itertools
import random

from .addresses import MAX, Address, Block
from .conditions import Condition
from .firewall import Packet
from .network import ICMP, ICMPS, ICMPV6, PORTED, TCP, UDP, NetworkAcl
from .patterns import STAR, ArnPattern, Glob, Wild, action_pattern, arn_pattern
from .request import DERIVED_KEYS, Principal, Request
from .violations import ASSUME_ACTIONS, NetworkWitness, named_literals, principal_can_violate

FRESH = "fresh"
FRESH_ORG = "o-fresh0000000"
FRESH_SERVICE = "fresh.amazonaws.com"
CONTEXT_LIMIT = 1500
REQUEST_LIMIT = 20000


def glob_witness(glob: Glob) -> str:
    out = []
    for p in glob.parts:
        if isinstance(p, str):
            out.append(p)
        elif isinstance(p, Wild):
            out.append(FRESH if p.symbol == STAR else "x")
        else:
            out.append(p.default if p.default is not None else FRESH)
    return "".join(out)


def arn_witness(pattern: ArnPattern) -> str:
    parts = [glob_witness(g) for g in pattern.components]
    if pattern.open_tail:  # the trailing * stands for the missing components
        if len(parts) == 1:
            parts = ["arn", "aws", FRESH, FRESH, FRESH, FRESH]
        else:
            parts += [FRESH] * (6 - len(parts))
    return ":".join(parts)


def fresh_account(named: set | frozenset) -> str:
    return next(c for c in (f"{n:012d}" for n in itertools.count()) if c not in named)


# --- requests -------------------------------------------------------------------------------------------

def principals(subject, estate, query) -> list:
    account = estate.account(subject.account)
    owner, org = account.id, account.organization
    named = named_literals(subject)
    outsider = fresh_account(named | {owner, *account.trusted_accounts})
    out = [Principal.root(owner, org), Principal.aws(f"arn:aws:iam::{owner}:user/{FRESH}-user", org),
           Principal.role_session(f"arn:aws:iam::{owner}:role/{FRESH}-role", org_id=org),
           Principal.anonymous(), Principal.root(outsider), Principal.aws(f"arn:aws:iam::{outsider}:user/{FRESH}-user"),
           Principal.aws(f"arn:aws:iam::{outsider}:user/{FRESH}-user", FRESH_ORG), Principal.service(FRESH_SERVICE)]
    for trusted in account.trusted_accounts:
        out.append(Principal.root(trusted))
    for statement in subject.document.statements:
        spec = statement.principal
        if spec is None:
            continue
        for a in spec.accounts:
            out += [Principal.root(a), Principal.root(a, org)]
        for arn in spec.arns:
            same_org = org if arn.split(":")[4] in (owner, *account.trusted_accounts) else None
            if ":role/" in arn:
                out += [Principal.role_session(arn, org_id=same_org), Principal.role_session(arn)]
            else:
                out += [Principal.aws(arn, same_org), Principal.aws(arn)]
        out += [Principal.service(s) for s in spec.services]
        out += [Principal.federated(f) for f in spec.federated]
    for statement in subject.document.statements:
        for c in statement.conditions:
            if c.key == "aws:principalarn":
                for v in c.values:
                    arn = arn_witness(v) if isinstance(v, ArnPattern) else glob_witness(v)
                    arn = arn.replace(f"::{FRESH}:", f"::{owner}:")
                    if ":role/" in arn and arn.split(":")[4].isdigit():
                        out.append(Principal.role_session(arn, org_id=org))
                    elif arn.split(":")[4].isdigit():
                        out.append(Principal.aws(arn, org))
    for value in named:
        if value.startswith("o-") and value != org:
            out.append(Principal.aws(f"arn:aws:iam::{outsider}:user/{FRESH}-user", value))
        if value.isdigit() and len(value) == 12:
            out += [Principal.root(value), Principal.root(value, org)]
    for pattern in query.params.get("except_principals", ()):
        out.append(Principal.role_session(arn_witness(arn_pattern(pattern, False)).replace(
            f":{FRESH}:", f":{owner}:").replace("::fresh:", f"::{owner}:"), org_id=org))
    return list(dict.fromkeys(out))


def actions(subject, query) -> list:
    wanted = query.params.get("actions")
    if query.kind == "trust-within-organization":
        wanted = ASSUME_ACTIONS
    out = []  # the policy's own actions first: counterexamples then read as real requests
    for statement in subject.document.statements:
        for glob in statement.actions:
            out.append(glob.text if glob.is_literal else glob_witness(glob))
    for text in wanted or ():
        glob = action_pattern(text)
        out.append(glob.text if glob.is_literal else glob_witness(glob))
        out.append(text.split(":")[0] + f":{FRESH}action" if ":" in text else f"{FRESH}svc:{FRESH}action")
    out.append(f"{FRESH}svc:{FRESH}action")
    if wanted:
        patterns = [action_pattern(a) for a in wanted]
        out = [a for a in out if any(p.matches(a) for p in patterns)]
    return list(dict.fromkeys(a.lower() for a in out))


def resources(subject, estate, action_list, query) -> list:
    out = [arn_witness(arn_pattern(r, False)) for r in query.params.get("resources", ())]
    for text in subject.resources:
        pattern = arn_pattern(text, False)
        out.append(arn_witness(pattern))
    for statement in subject.document.statements:
        for pattern in statement.resources or ():
            out.append(arn_witness(pattern))
    outsider = fresh_account(named_literals(subject) | {subject.account})
    for service in {a.split(":")[0] for a in action_list} | {FRESH}:
        out.append(f"arn:aws:{service}:{FRESH}-region:{outsider}:{FRESH}")
        out.append(f"arn:aws:{service}:::{FRESH}")
    if subject.kind == "role-trust-policy":
        out.append(f"arn:aws:iam::{subject.account}:role/{FRESH}")
    for scope in (subject.resources, query.params.get("resources", ())):
        if scope:
            patterns = [arn_pattern(r, False) for r in scope]
            out = [r for r in out if any(p.matches(r) for p in patterns)]
    return list(dict.fromkeys(out))


def condition_values(condition: Condition) -> list:
    out = []
    for v in condition.values:
        if isinstance(v, Glob):
            out.append(v.literal if v.is_literal else glob_witness(v))
            if v.is_literal and condition.operator.family == "string-ignore-case":
                out.append(v.literal.swapcase())
        elif isinstance(v, ArnPattern):
            out.append(arn_witness(v))
        elif isinstance(v, Block):
            out += [str(Address(v.version, x)) for x in (v.first, v.last, v.first - 1, v.last + 1)
                    if 0 <= x <= MAX[v.version]]
        elif isinstance(v, bool):
            if condition.operator.family == "bool":  # Null's true/false say absent/present: not a value
                out += ["true", "false"]
        elif hasattr(v, "numerator"):
            out += [_number(v - 1), _number(v), _number(v + 1)]
        else:
            out.append(str(v))
    return out


def _number(value) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))


def contexts(subject, query) -> tuple[list, bool]:
    """Candidate contexts and whether they are the full product of the per-key options."""
    options: dict[str, list] = {}
    multivalued, boolean = set(), set()
    for statement in subject.document.statements:
        for c in statement.conditions:
            if c.key in DERIVED_KEYS:
                continue
            options.setdefault(c.key, [None]).extend((v,) for v in condition_values(c))
            if c.operator.qualifier:
                multivalued.add(c.key)
            if c.operator.family == "bool":
                boolean.add(c.key)
    for key, values in query.params.get("context", {}).items():
        options[key] = [None] if values is None else [(v,) for v in values]
    for key in options:
        if key in boolean:  # a Boolean key (aws:SecureTransport...) only ever carries true or false
            options[key] = [None, ("true",), ("false",)] if key not in query.params.get("context", {}) \
                else options[key]
            continue
        if key not in query.params.get("context", {}):
            options[key].append((f"{FRESH}-value",))
            host_key = key.split(":")
            for attacker_key, values in query.params.get("attacker_values", {}).items():
                if len(host_key) >= 2 and host_key[-1] == attacker_key.lower():
                    options[key].extend((v,) for v in values)
        if key in multivalued:
            singles = [o for o in options[key] if o]
            options[key] += [(), tuple(v for o in singles[:2] for v in o)]
        options[key] = list(dict.fromkeys(options[key]))
    keys = sorted(options)
    total = 1
    for key in keys:
        total *= len(options[key])
    if total <= CONTEXT_LIMIT:
        combos = itertools.product(*(options[k] for k in keys))
        return [dict(zip(keys, combo)) for combo in combos], True
    rng = random.Random(0)  # deterministic: the same subject always gets the same candidates
    chosen = [dict.fromkeys(keys)]
    for key in keys:
        chosen += [{**dict.fromkeys(keys), key: v} for v in options[key]]
    while len(chosen) < CONTEXT_LIMIT:
        chosen.append({k: rng.choice(options[k]) for k in keys})
    return chosen, False


def requests(subject, estate, query):
    """Yields candidate requests; the second value says whether no cap or sample cut the set."""
    action_list = actions(subject, query)
    resource_list = resources(subject, estate, action_list, query)
    context_list, complete = contexts(subject, query)
    who = [p for p in principals(subject, estate, query) if principal_can_violate(query, subject, estate, p)]
    total = len(who) * len(action_list) * len(resource_list) * len(context_list)
    if total > REQUEST_LIMIT:
        context_list = context_list[:max(1, REQUEST_LIMIT // max(1, len(who) * len(action_list) * len(resource_list)))]
        complete = False
    return _requests(who, action_list, resource_list, context_list), complete


def _requests(who, action_list, resource_list, context_list):
    for context in context_list:
        for principal in who:
            for action in action_list:
                for resource in resource_list:
                    yield Request.make(principal, action, resource, context)


# --- packets ---------------------------------------------------------------------------------------------

def packets(subject, estate, query):
    document = subject.document
    if isinstance(document, NetworkAcl):
        rules = [(e.protocol, e.ports, [e.block], ()) for e in document.entries]
        codes = {e.icmp_code for e in document.entries}
    else:
        rules = [(r.protocol, r.ports, list(r.blocks), r.groups) for r in document.ingress + document.egress]
        codes = {r.icmp_code for r in document.ingress + document.egress}
    codes = sorted({0} | {c for c in codes if c >= 0})
    blocks = [b for _, _, bs, _ in rules for b in bs] + list(estate.account(subject.account).trusted_sources)
    peers = set()
    for version in (4, 6):
        peers |= {Address(version, 0), Address(version, MAX[version])}
    for b in blocks:
        peers |= {Address(b.version, x) for x in (b.first, b.last, b.first - 1, b.last + 1) if 0 <= x <= MAX[b.version]}
    protocols = {TCP, UDP, ICMP, ICMPV6, 47} | {p for p, _, _, _ in rules if p >= 0}
    ports = {0, 65535}
    for p in query.params.get("ports", ()):
        ports |= {x for x in (p - 1, p, p + 1) if 0 <= x <= 65535}
    for _, r, _, _ in rules:
        ports |= {x for x in (r.low, r.high, r.low - 1, r.high + 1) if 0 <= x <= 65535}
    for _, allowed in query.params.get("allowed", ()):
        ports |= {x for p in allowed or () for x in (p - 1, p, p + 1) if 0 <= x <= 65535}
    icmp_types = {0, 8} | {r.low for p, r, _, _ in rules if p in ICMPS and r.low >= 0}
    groups = [frozenset()] + [frozenset([g]) for _, _, _, gs in rules for g in gs]
    directions = (False, True) if query.kind == "no-rules" else (False,)
    for egress in directions:
        for protocol in sorted(protocols):
            port_list = sorted(ports) if protocol in PORTED else (sorted(icmp_types) if protocol in ICMPS else [None])
            for port in port_list:
                for code in codes if protocol in ICMPS else [None]:
                    for peer in sorted(peers):
                        for g in groups if query.kind == "no-rules" else groups[:1]:
                            yield NetworkWitness(Packet(protocol, port, peer, g, code), egress)
