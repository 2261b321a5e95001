"""An answer to a question: one word a script reads, and the evidence behind it (witnesses confirmed
by the evaluator, certificates the kernel verified), or NOT CHECKABLE with the reason."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..exits import ExitCode
from ..policy.request import Request
from ..policy.violations import NetworkWitness
from .settle import Settled

NOT_CHECKABLE = "not-checkable"


@dataclass
class Part:
    """One sub-question (a direction of a comparison, a pair of security group and ACL) and how it settled."""
    label: str
    settled: Settled
    assumptions: list = field(default_factory=list)  # what the witness relies on (a key's type, its absence)

    def to_dict(self) -> dict:
        s = self.settled
        out = {"question": self.label, "holds": s.holds, **s.evidence()}
        if s.witness is not None:
            out["witness"] = witness_dict(s.witness)
        if s.reason:
            out["reason"] = s.reason
        if self.assumptions:
            out["assumptions"] = list(self.assumptions)
        return out


@dataclass
class Answer:
    question: str
    answer: str | None  # None: NOT CHECKABLE
    parts: list = field(default_factory=list)
    reason: str | None = None
    notes: list = field(default_factory=list)

    @property
    def word(self) -> str:
        return self.answer or NOT_CHECKABLE

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.answer is not None else ExitCode.NO_VERDICT

    @property
    def assumptions(self) -> list:
        return [a for p in self.parts for a in p.assumptions]

    def to_dict(self) -> dict:
        return {"question": self.question, "answer": self.word, "checked": self.answer is not None,
                "reason": self.reason, "assumptions": self.assumptions, "notes": self.notes,
                "parts": [p.to_dict() for p in self.parts]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, default=str)

    def text(self) -> str:
        """The word on the first line; then, indented, the evidence for people."""
        lines = [self.word]
        if self.reason:
            lines.append(f"  reason: {self.reason}")
        for p in self.parts:
            s = p.settled
            if s.holds:
                lines.append(f"  {p.label}: yes, e.g. {describe_witness(s.witness)}")
                lines.append(f"    model sha256 {s.certificate_sha256}, kernel {s.kernel.get('status')}, "
                             "confirmed by the evaluator")
            elif s.holds is False:
                lines.append(f"  {p.label}: no: UNSAT certificate sha256 {s.certificate_sha256}, "
                             f"kernel {s.kernel.get('status')}")
            else:
                lines.append(f"  {p.label}: not checkable: {s.reason}")
            lines += [f"    assumes: {a}" for a in p.assumptions]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def not_checkable(question: str, reason: str) -> Answer:
    return Answer(question, None, reason=reason)


def witness_dict(witness) -> dict:
    if isinstance(witness, Request):
        p = witness.principal
        return {"principal": {"kind": p.kind, "name": p.name, "account": p.account, "org_id": p.org_id,
                              "role_arn": p.role_arn},
                "action": witness.action, "resource": witness.resource,
                "context": {k: list(v) for k, v in witness.context}}
    if isinstance(witness, NetworkWitness):
        pk = witness.packet
        return {"protocol": pk.protocol, "port": pk.port, "peer": str(pk.peer), "egress": witness.egress}
    return {"witness": str(witness)}


def describe_witness(witness) -> str:
    if isinstance(witness, Request):
        p = witness.principal
        who = {"Anonymous": "an anonymous caller", "Service": f"service {p.name}",
               "Federated": f"federated {p.name}"}.get(p.kind, p.name)
        context = ", ".join(f"{k}={'|'.join(v)}" for k, v in witness.context) or "no context keys"
        return f"{who} doing {witness.action} on {witness.resource} with {context}"
    if isinstance(witness, NetworkWitness):
        return f"{witness.packet} ({'egress' if witness.egress else 'ingress'})"
    return str(witness)
