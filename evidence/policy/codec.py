"""Between concrete requests and values of the encoding's variables, both ways.

`decode` turns a model (the producer's `sat` section) into the evaluator's Request, which is then
confirmed by the evaluator; `assignment` turns a Request into variable values, so that the
differential test can evaluate the encoded formula on it with the kernel's model evaluator."""
from __future__ import annotations

import re
from fractions import Fraction

from checker.smtlib import literal

from ..smt.sexprs import sexprs
from .addresses import Address, parse_address
from .conditions import parse_date, parse_number
from .encode import AWS, FEDERATED, KINDS, NOT_ARN, NOT_IP, NOT_NUMBER, SERVICE, Arn, Ip, Number, Str
from .encode import Request as Vars
from .request import Principal, Request
from .smtlib import Const, lit, num


class Outside(ValueError):
    """The request lies outside the encoded space (e.g. a resource that is no ARN)."""


# --- model -> request ---------------------------------------------------------------------------------

def model_values(text: str) -> dict:
    """{name: value} from define-fun forms (Int/Real as Fraction, String as str, Bool as bool)."""
    out = {}
    for form in sexprs(text.encode()):
        if isinstance(form, list) and form and form[0] == "define-fun" and len(form) == 5:
            out[str(form[1])] = _value(form[4])
    return out


def _value(x):
    if isinstance(x, list):
        if x[0] == "-" and len(x) == 2:
            return -_value(x[1])
        if x[0] == "/" and len(x) == 3:
            return _value(x[1]) / _value(x[2])
        raise ValueError(f"unexpected model value {x}")
    if getattr(x, "quoted", "") == '"':
        return str(x)  # decoded as the kernel reads it
    if x in ("true", "false"):
        return x == "true"
    return Fraction(str(x))


def decode(v: Vars, values: dict) -> Request:
    def get(name, default=None):
        return values.get(name, default)

    def term(t):
        return str(t) if isinstance(t, Const) else get(t, "")

    kind = int(get(v.pk, 0))
    s = v.s
    action = _cased_action(get(s["act"], ""), v)
    if kind == SERVICE and get(s["p_other"], "") != get(s["p_other"], "").lower():
        raise Outside(f"the model's service name {get(s['p_other'])!r} has upper-case letters (compared lower-cased)")
    if kind == AWS:
        name = ":".join(term(t) for t in v.name)
        role = ":".join(term(t) for t in v.role) if get(v.hasrole, False) else None
        org = get(s["p_org"], "") if get(v.hasorg, False) else None
        principal = Principal("AWS", name, get(s["p_acct"], ""), org, role)
    elif kind in (SERVICE, FEDERATED):
        principal = Principal(KINDS[kind], get(s["p_other"], ""))
    else:
        principal = Principal.anonymous()
    context = {}
    for key, entry in v.keys.items():
        count = int(get(entry.count, 0))
        context[key] = None if count == 0 else [_slot_text(slot, get, term) for slot in entry.slots[:count]]
    resource = ":".join(term(t) for t in v.resource)
    return Request.make(principal, action, resource, {k: c for k, c in context.items()})


SPARE = "0123456789-_.~"


def _cased_action(text: str, v: Vars) -> str:
    """The model's action, its cased letters (the encoding leaves case free, encode.py) replaced by a
    character that no string literal of the problem holds. Every literal `act` is compared with is
    lower case, so a cased letter is matched only by a wildcard, as the spare character is: each atom
    over `act` keeps its truth, and the request is a lower-case one the evaluator then re-decides."""
    if text == text.lower():
        return text
    used = set("".join(literal(m) for m in re.findall(rb'"(?:[^"]|"")*"', v.problem.text().encode())))
    spare = next((c for c in SPARE if c not in used), None)
    if spare is None:
        raise Outside(f"the model's action {text!r} has upper-case letters (compared lower-cased)")
    return "".join(spare if ch != ch.lower() else ch for ch in text)


def _slot_text(slot, get, term) -> str:
    if isinstance(slot, Str):
        return term(slot.term)
    if isinstance(slot, Arn):
        return ":".join(term(t) for t in slot.parts) if get(slot.is_arn, False) else NOT_ARN
    if isinstance(slot, Ip):
        return str(Address(int(get(slot.version, 4)), int(get(slot.value, 0)))) if get(slot.is_ip, False) else NOT_IP
    value = get(slot.value, Fraction(0))
    if not get(slot.is_number, False):
        return NOT_NUMBER
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


# --- request -> values (for the differential test) -------------------------------------------------------

def assignment(v: Vars, request: Request) -> dict:
    """Values for every variable of `v` that describe `request`; Outside if the encoding cannot."""
    s, p = v.s, request.principal
    out: dict[str, object] = {v.pk: KINDS.index(p.kind), v.hasorg: False, v.hasrole: False}
    for name in s.values():
        out[name] = ""
    out[s["p_svc"]], out[s["p_acct"]] = "iam", "000000000000"
    if p.kind == "AWS":
        parts = p.name.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or parts[3] != "" or parts[4] != p.account:
            raise Outside(f"principal {p.name}")
        out.update({s["p_part"]: parts[1], s["p_svc"]: parts[2], s["p_acct"]: parts[4], s["p_res"]: parts[5]})
        if p.type == "User" and "/" in parts[5]:
            path, name = parts[5].rsplit("/", 1)
            out[s["p_upath"]], out[s["p_uname"]] = path + "/", name
        if p.org_id:
            out[v.hasorg], out[s["p_org"]] = True, p.org_id
        if p.role_arn:
            role = p.role_arn.split(":", 5)
            out[v.hasrole], out[s["p_role"]] = True, role[5]
    elif p.kind in ("Service", "Federated"):
        out[s["p_other"]] = p.name
    out[s["act"]] = request.action
    parts = request.resource.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise Outside(f"resource {request.resource}")
    out.update({s[f"r{i}"]: parts[i] for i in range(1, 6)})
    context = request.context_map()
    for key, entry in v.keys.items():
        given = context.get(key) or ()
        if len(given) > len(entry.slots):
            raise Outside(f"{len(given)} values for {key}")
        out[entry.count] = len(given)
        for j, slot in enumerate(entry.slots):
            _assign_slot(out, slot, given[j] if j < len(given) else None)
    for split in v.splits:  # the skolem strings of policy-variable matches: functions of the rest
        whole = _text(out, split.whole)
        n = sum(len(_text(out, t)) for t in split.measure)
        cut = len(whole) - n if split.at_end else n
        out[split.head], out[split.tail] = (whole[:cut], whole[cut:]) if n <= len(whole) else ("", "")
    return out


def _text(out: dict, term) -> str:
    return str(term) if isinstance(term, Const) else out[term]


def _assign_slot(out, slot, text):
    if isinstance(slot, Str):
        out[slot.term] = text or ""
    elif isinstance(slot, Arn):
        parts = (text or "").split(":", 5)
        ok = len(parts) == 6 and text is not None
        if text is not None and not ok and text != NOT_ARN:
            raise Outside(f"{text!r} is neither an ARN nor the encoding's stand-in {NOT_ARN!r}")
        out[slot.is_arn] = ok
        for t, value in zip(slot.parts, parts if ok else [""] * 6):
            out[t] = value
    elif isinstance(slot, Ip):
        address = parse_address(text) if text is not None else None
        out[slot.is_ip] = address is not None
        out[slot.version], out[slot.value] = (address.version, address.value) if address else (4, 0)
    elif isinstance(slot, Number):
        value = None if text is None else parse_date(text) if slot.dates else parse_number(text)
        out[slot.is_number] = value is not None
        out[slot.value] = value if value is not None else Fraction(0)


def define_funs(sorts: dict, values: dict) -> str:
    """The values as define-fun forms, the way a `sat` certificate gives a model."""
    lines = []
    for name, sort in sorts.items():
        value = values[name]
        if sort == "Bool":
            text = "true" if value else "false"
        elif sort == "String":
            text = lit(value)
        else:
            text = num(Fraction(value))
        lines.append(f"(define-fun {name} () {sort} {text})")
    return "\n".join(lines) + "\n"
