"""`policy can P [--principal] [--action] [--resource] [--context K=V ...]`: is some request within what
was given allowed? Omitted fields range over everything; the witness is then re-made with exactly the
given values, so what the evaluator confirms is literally within the question."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import UserError
from ..policy import authref
from ..policy.addresses import parse_address
from ..policy.conditions import parse_date, parse_number
from ..policy.document import ACCOUNT_ID, ACCOUNT_ROOT, IDENTITY_ARN, Policy
from ..policy.encode import ANONYMOUS, AWS, SERVICE, Arn, Ip, Number, Request, Str, arn_matches, literal_arn
from ..policy.errors import Unsupported
from ..policy.patterns import action_pattern, arn_pattern, parse_action_pattern, parse_arn_pattern
from ..policy.request import DERIVED_KEYS, Principal
from ..policy.request import Request as Concrete
from ..policy.smtlib import TRUE, and_, eq, in_glob, not_, num, one_of
from .answers import Answer
from .policy import Question, allows, yes_no
from .settle import TIMEOUT


@dataclass
class Given:
    principal: Principal | None = None
    action: str | None = None
    resource: str | None = None
    context: dict = field(default_factory=dict)  # lower-cased key -> [values]
    # the reference's actions a request within the question can be (lower-cased), its service keys
    # considered; None: not narrowed (narrowed_actions)
    actions: tuple | None = None


def _names(actions, limit: int = 6) -> str:
    names = authref.action_names()
    shown = [names.get(a, a) for a in sorted(actions)]
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def narrowed_actions(action: str | None, keys) -> tuple | None:
    """Request-context realism on the question itself (docs/CONTROLS.md, "Request realism"): a
    service-specific key is set only on the actions the service authorization reference lists for it
    (authref.actions_setting). The question admits the given action, or each action of the reference
    the wildcard (or, omitted, `*`) matches; a key none of them can carry is a question about no
    request: ValueError naming the key and the actions. A key some of them carry narrows the range to
    those. A literal action the reference does not know, or a wildcard matching none of its actions,
    is not narrowed (what the reference does not know stays possible); global aws: keys never are."""
    pattern = action_pattern(action or "*")
    narrowed: frozenset | None = None
    for key in keys:
        setting = authref.actions_setting(key)
        if setting is None:
            continue
        if pattern.is_literal:
            admitted = frozenset([pattern.literal.lower()]) & frozenset(authref.action_names())
        else:
            admitted = frozenset(a for a in authref.action_names() if pattern.matches(a))
        if not admitted:
            continue
        carrying = admitted & setting
        if not carrying:
            raise ValueError(f"{key}: no request for {_names(admitted)} carries it (the service authorization "
                             f"reference sets {key} only on {_names(setting)})")
        if narrowed is not None and not narrowed & carrying:
            raise ValueError(f"{key}: no action of the question carries it together with the other keys given "
                             f"(it is set only on {_names(setting)})")
        narrowed = carrying if narrowed is None else narrowed & carrying
    return None if narrowed is None else tuple(sorted(narrowed))


def parse_given(principal=None, action=None, resource=None, context=()) -> Given:
    """The command line's fields; UserError (exit 2) for one that is no principal, action, ARN or K=V."""
    given = Given()
    if principal is not None:
        given.principal = parse_principal(principal)
    if action is not None:
        if parse_action_pattern(action) is None:
            raise UserError(f"--action {action!r}: expected service:Action (wildcards allowed) or *")
        given.action = action
    if resource is not None:
        if parse_arn_pattern(resource, False) is None:
            raise UserError(f"--resource {resource!r}: expected an ARN (arn:partition:service:region:account:...)")
        given.resource = resource
    for item in context:
        key, sep, value = item.partition("=")
        if not sep or ":" not in key:
            raise UserError(f"--context {item!r}: expected KEY=VALUE with a condition key such as aws:SourceIp")
        if key.lower() in DERIVED_KEYS:
            raise UserError(f"--context {key}: AWS derives it from the principal; give --principal instead")
        given.context.setdefault(key.lower(), []).append(value)
    try:
        given.actions = narrowed_actions(given.action, given.context)
    except ValueError as error:
        raise UserError(f"--context {error}") from None
    return given


def parse_principal(text: str) -> Principal:
    """An IAM user, role (a session of it), role session or account root ARN, an account id, a
    service principal (name.amazonaws.com), or `anonymous`."""
    if text.lower() in ("anonymous", "*"):
        return Principal.anonymous()
    if ACCOUNT_ID.match(text):
        return Principal.root(text)
    if ACCOUNT_ROOT.match(text):
        return Principal.aws(text)
    if IDENTITY_ARN.match(text):
        if ":role/" in text:
            return Principal.role_session(text)
        if ":assumed-role/" in text:
            account, role = text.split(":")[4], text.split(":", 5)[5].split("/")[1]
            return Principal.aws(text, role_arn=f"arn:{text.split(':')[1]}:iam::{account}:role/{role}")
        return Principal.aws(text)
    if text.endswith(".amazonaws.com") and "/" not in text and ":" not in text:
        return Principal.service(text)
    raise UserError(f"--principal {text!r}: expected a user, role or account root ARN, an account id, "
                    "a service principal (NAME.amazonaws.com) or anonymous")


def _principal_formula(r: Request, p: Principal) -> str:
    if p.kind == "Anonymous":
        return r.is_kind(ANONYMOUS)
    if p.kind == "Service":
        return and_(r.is_kind(SERVICE), eq(r.s["p_other"], p.name))
    role = and_(r.hasrole, literal_arn(r.role, p.role_arn)) if p.role_arn else not_(r.hasrole)
    return and_(r.is_kind(AWS), role, literal_arn(r.name, p.name))


def _value_formula(slot, value: str) -> str:
    if isinstance(slot, Str):
        return eq(slot.term, value)
    if isinstance(slot, Arn):
        return and_(slot.is_arn, literal_arn(slot.parts, value))
    if isinstance(slot, Ip):
        address = parse_address(value)
        return "false" if address is None else \
            and_(slot.is_ip, f"(= {slot.version} {address.version})", f"(= {slot.value} {address.value})")
    if isinstance(slot, Number):
        parsed = parse_date(value) if slot.dates else parse_number(value)
        return not_(slot.is_number) if parsed is None else and_(slot.is_number, f"(= {slot.value} {num(parsed)})")
    raise AssertionError(slot)


def formula(r: Request, given: Given, p: Policy) -> str:
    """A request within what was given that the policy allows (`r` declared with extra_keys(given, p))."""
    parts = [r.allowed([p])]
    if given.principal is not None:
        parts.append(_principal_formula(r, given.principal))
    if given.action is not None:
        parts.append(in_glob(r.s["act"], action_pattern(given.action)))
    if given.actions is not None:
        parts.append(one_of(r.s["act"], given.actions))
    if given.resource is not None:
        parts.append(arn_matches(arn_pattern(given.resource, False), r.resource, TRUE, True))
    for key, values in given.context.items():
        entry = r.keys[key]
        if len(values) > len(entry.slots):  # the policy's conditions bound the slots; these values are fixed
            raise Unsupported(f"{len(values)} values for {key}, which the policy's conditions test "
                              f"{len(entry.slots)} time(s)")
        parts.append(f"(= {entry.count} {len(values)})")
        parts += [_value_formula(slot, v) for slot, v in zip(entry.slots, values)]
    return and_(*parts)


def extra_keys(given: Given, p: Policy) -> tuple:
    """The given keys no condition of the policy tests (those are typed as the policy uses them), each
    once per value: one value slot for each."""
    tested = {c.key for st in p.statements for c in st.conditions}
    return tuple(k for k, values in given.context.items() if k not in tested for _ in values)


def _same(given: str, value: str) -> bool:
    """A decoded value is the given one, perhaps spelt otherwise (an address, a number, a date)."""
    if given == value:
        return True
    for parse in (parse_address, parse_number, parse_date):
        a, b = parse(given), parse(value)
        if a is not None and a == b:
            return True
    return False


def outside(given: Given, w: Concrete) -> str | None:
    """Why the request is not within what was given (None: it is), by the evaluator's reading."""
    if given.principal is not None and (w.principal.kind, w.principal.name) != \
            (given.principal.kind, given.principal.name):
        return f"the witness's principal is not {given.principal.name or given.principal.kind}"
    if given.action is not None and not action_pattern(given.action).matches(w.action.lower()):
        return f"the witness's action is not {given.action}"
    if given.actions is not None and w.action.lower() not in given.actions:
        return f"the witness's action is not one that carries {', '.join(given.context)}"
    if given.resource is not None and not arn_pattern(given.resource, False).matches(w.resource):
        return f"the witness's resource is not {given.resource}"
    context = w.context_map()
    for key, values in given.context.items():
        got = list(context.get(key) or ())
        if len(got) != len(values) or not all(_same(v, g) for v, g in zip(values, got)):
            return f"the witness's {key} is not {values}"
    return None


def given_of(params: dict) -> Given:
    """A catalog query's principal/action/resource/context (catalog.NotAllowed) as `policy can` reads them."""
    context = [f"{k}={v}" for k, values in (params.get("context") or {}).items() for v in values]
    return parse_given(params.get("principal"), params.get("action"), params.get("resource"), context)


def within(given: Given, w: Concrete) -> Concrete:
    """The witness with the context values as given (a decoded address or number may be spelt otherwise)."""
    context = {k: list(v) for k, v in w.context if k not in DERIVED_KEYS}
    context.update(given.context)
    return Concrete.make(w.principal, w.action, w.resource, context)


def can(p: Policy, given: Given, timeout: float | None = TIMEOUT) -> Answer:
    def predicate(w):
        return outside(given, w) or (None if allows([p], w) else "not allowed")
    q = Question("a request within what was given is allowed", [p], lambda r: formula(r, given, p),
                 lambda w: predicate(within(given, w)),  # type: ignore[arg-type]
                 extra_keys(given, p))
    narrowing = given.actions is not None and not action_pattern(given.action or "*").is_literal
    notes = [] if not narrowing else \
        [f"the action is one the service authorization reference lists for {', '.join(sorted(given.context))}: "
         f"{_names(given.actions or ())}"]
    answer = yes_no("can", q, timeout=timeout, notes=notes)
    for part in answer.parts:  # the answer shows the request the evaluator confirmed
        if part.settled.witness is not None:
            part.settled.witness = within(given, part.settled.witness)
    return answer
