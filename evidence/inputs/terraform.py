"""Terraform: the JSON of `terraform show -json` (a plan's planned values, or the state's values), and
`.tf` files read with python-hcl2.

Resource types read (Terraform AWS provider documentation): aws_s3_bucket_policy, aws_iam_role (its
trust policy, and its effective identity policy: `inline_policy`, the aws_iam_role_policy resources and
aws_iam_role_policy_attachment of aws_iam_policy resources in the same input), aws_iam_policy,
aws_iam_role_policy, aws_security_group, aws_vpc_security_group_ingress_rule (and _egress_rule),
aws_network_acl, aws_network_acl_rule and aws_kms_key. Other types are listed as skipped.

Values known only after apply (a plan's `after_unknown`), variables (even with a default: they can be
set at apply), data sources other than aws_iam_policy_document (whose `json` is built from its statement
blocks), and interpolations of anything but a bucket's or role's name given in the configuration, or a
local of a fixed value, stay symbolic: a
subject holding one is NOT CHECKABLE naming it. `$${...}` is Terraform's escape of a literal `${...}`
(how policy variables are written in .tf files). A security group or ACL referred to in the
configuration is known by its address, which is all a reference to it needs.

The account: an `arn` or `owner_id` of the state, otherwise the nearest folder named by the 12-digit id.
A .tf file is read with the other .tf files of its folder, which make one module (references between
files resolve); each file gives the subjects it defines.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..policy.document import IDENTITY, RESOURCE, TRUST
from ..policy.errors import PolicyInputError, Where
from ..policy.loader import Subject
from .common import Skip, Skipped, account_from_folders, read_json
from .iam_details import _merge as merge_policies
from .symbolic import Symbol, default_key_policy, network_acl_of, policy_of, security_group_of, symbols_in

READ_TYPES = ("aws_s3_bucket_policy", "aws_iam_role", "aws_iam_policy", "aws_iam_role_policy",
              "aws_iam_role_policy_attachment", "aws_security_group", "aws_vpc_security_group_ingress_rule",
              "aws_vpc_security_group_egress_rule", "aws_network_acl", "aws_network_acl_rule", "aws_kms_key")
HELPER_TYPES = ("aws_s3_bucket",)  # read only for what others refer to (a bucket's name)
ACCOUNT_IN_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")
INTERPOLATION = re.compile(r"(?<!\$)\$\{")
EMBEDDED = re.compile(r"(?<!\$)\$\{([A-Za-z0-9_.\-]+)\}")
REFERENCE = re.compile(r"^\$\{([A-Za-z0-9_.\-\[\]\"]+)\}$")
NAME_ATTRIBUTES = {("aws_s3_bucket", "id"): "bucket", ("aws_s3_bucket", "bucket"): "bucket",
                   ("aws_iam_role", "name"): "name", ("aws_iam_role", "id"): "name",
                   ("aws_iam_policy", "name"): "name"}
IDENTITY_TYPES = ("aws_security_group", "aws_network_acl", "aws_iam_policy", "aws_iam_role")


def recognises(path, data) -> bool:
    if Path(path).suffix == ".tf":
        return True
    return isinstance(data, dict) and "format_version" in data and ("planned_values" in data or "values" in data)


# --- resources: (type, name, values, Where) whatever the source --------------------------------------


def _module_resources(module, where: Where, unknown: dict):
    for i, r in enumerate(module.get("resources") or []):
        at = where.key("resources").index(i)
        if not isinstance(r, dict) or r.get("mode", "managed") != "managed":
            continue
        values = _mark_unknown(r.get("values") or {}, unknown.get(r.get("address"), {}), r.get("address"))
        yield r.get("type"), r.get("address") or f"{r.get('type')}.{r.get('name')}", values, at.key("values")
    for j, child in enumerate(module.get("child_modules") or []):
        yield from _module_resources(child, where.key("child_modules").index(j), unknown)


def _mark_unknown(values, unknown, address):
    """A plan's planned values leave out what is known only after apply; `after_unknown` says which."""
    if unknown is True:
        return Symbol(f"{address} (known after apply)")
    if isinstance(unknown, dict) and isinstance(values, dict):
        out = dict(values)
        for key, flag in unknown.items():
            out[key] = _mark_unknown(values.get(key), flag, f"{address}.{key}")
        return out
    if isinstance(unknown, list) and isinstance(values, list):
        return [_mark_unknown(v, unknown[i] if i < len(unknown) else False, f"{address}[{i}]")
                for i, v in enumerate(values)]
    return values


def _show_resources(path):
    data, where = read_json(path)
    unknown = {c.get("address"): (c.get("change") or {}).get("after_unknown", {})
               for c in data.get("resource_changes") or [] if isinstance(c, dict)}
    key = "planned_values" if "planned_values" in data else "values"
    root = (data.get(key) or {}).get("root_module") or {}
    return list(_module_resources(root, where.key(key).key("root_module"), unknown)), where


@lru_cache(maxsize=64)
def _parse_tf(path: str, mtime: float):
    import hcl2
    from hcl2 import SerializationOptions
    try:
        text = Path(path).read_text("utf-8")
        return hcl2.loads(text, serialization_options=SerializationOptions(
            strip_string_quotes=True, preserve_heredocs=False, with_comments=False))
    except (OSError, UnicodeDecodeError) as error:
        raise Where(path).fail(f"cannot read: {error}") from None
    except Exception as error:  # python-hcl2 (lark) reports a syntax error with its line and column
        raise Where(path).fail(f"not valid HCL: {str(error).strip().splitlines()[0]}") from None


def _tf_resources(path):
    """The resource blocks of one .tf file: (type, address, values, Where)."""
    where = Where(path)
    out = []
    for block in _parse_tf(str(path), Path(path).stat().st_mtime).get("resource") or []:
        for kind, named in block.items():
            for name, body in (named or {}).items():
                out.append((kind, f"{kind}.{name}", _clean(body), where.key("resource").key(kind).key(name)))
    return out


def _module(path) -> dict:
    """The folder's resources by address and locals by name (files that do not parse are left out)."""
    addresses, local_values, documents = {}, {}, {}
    for other in sorted(Path(path).parent.glob("*.tf")):
        try:
            for kind, address, values, at in _tf_resources(other):
                addresses[address] = (kind, values, at)
            parsed = _parse_tf(str(other), other.stat().st_mtime)
        except PolicyInputError:
            continue
        for block in parsed.get("locals") or []:
            local_values.update(_clean(block))
        for block in parsed.get("data") or []:
            for name, body in (block.get("aws_iam_policy_document") or {}).items():
                documents[name] = _clean(body)
    return {"resources": addresses, "locals": local_values, "documents": documents}


DOCUMENT_ONLY = ("source_policy_documents", "override_policy_documents", "source_json", "override_json")


def _policy_document(body) -> dict | Symbol:
    """data "aws_iam_policy_document" (Terraform AWS provider docs, data-sources/iam_policy_document) as the JSON
    policy its `json` attribute is: statement blocks with effect (Allow by default), actions, resources,
    principals {type, identifiers} and condition {test, variable, values}; documents merged from others stay
    symbolic."""
    merged = [k for k in DOCUMENT_ONLY if k in body]
    if merged:
        return Symbol(f"aws_iam_policy_document {merged[0]}")
    statements = []
    for st in _seq(body.get("statement")):
        if not isinstance(st, dict):
            return Symbol("aws_iam_policy_document statement")
        out: dict = {"Effect": st.get("effect", "Allow")}
        if "sid" in st:
            out["Sid"] = st["sid"]
        for key, element in (("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"),
                             ("not_resources", "NotResource")):
            if key in st:
                out[element] = st[key]
        for key, element in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            blocks = _seq(st.get(key))
            if blocks:
                principal: dict = {}
                for block in blocks:
                    if not isinstance(block, dict):
                        return Symbol(f"aws_iam_policy_document {key}")
                    principal.setdefault(block.get("type"), []).extend(_seq(block.get("identifiers")))
                out[element] = "*" if principal == {"*": ["*"]} else principal
        conditions: dict = {}
        for block in _seq(st.get("condition")):
            if not isinstance(block, dict):
                return Symbol("aws_iam_policy_document condition")
            conditions.setdefault(block.get("test"), {}).setdefault(block.get("variable"), []).extend(
                _seq(block.get("values")))
        if conditions:
            out["Condition"] = conditions
        statements.append(out)
    return {"Version": body.get("version", "2012-10-17"), "Statement": statements}


def _clean(value):
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


@dataclass(frozen=True)
class Reference(Symbol):
    """A reference to a group, ACL, role or policy of the configuration: symbolic as a value, but where only
    which one it is matters (a rule's referenced group, a role's attached policy) it is its address."""
    address: str = ""


def _identity(value):
    return value.address if isinstance(value, Reference) else value


class _Values:
    """HCL expressions resolved where the configuration fixes them, otherwise Symbols."""

    def __init__(self, module):
        self.module = module

    def __call__(self, value, depth: int = 0):
        if isinstance(value, dict):
            return {k: self(v, depth) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v, depth) for v in value]
        if not isinstance(value, str) or self.module is None:
            return value
        if value.startswith("${jsonencode(") and value.endswith(")}"):
            return self._jsonencode(value[len("${jsonencode("):-2], depth)
        m = REFERENCE.match(value)
        if m:
            return self._reference(m.group(1), depth)
        if re.search(r"(?<!%)%\{", value):  # a template directive
            return Symbol(value)
        unknown = []

        def substitute(m):
            got = self._reference(m.group(1), depth)
            if isinstance(got, str):
                return got.replace("${", "$${")  # escaped again, unescaped with the rest below
            unknown.append(m.group(0))
            return ""
        out = EMBEDDED.sub(substitute, value)
        if unknown or INTERPOLATION.search(out):
            return Symbol(f"{unknown[0] if unknown else value} in {value!r}")
        return out.replace("$${", "${").replace("%%{", "%{")

    def _jsonencode(self, expression, depth):
        import hcl2
        from hcl2 import SerializationOptions
        try:
            parsed = hcl2.loads(f"x = {expression}\n", serialization_options=SerializationOptions(
                strip_string_quotes=True, preserve_heredocs=False, with_comments=False))["x"]
        except Exception:
            return Symbol(f"jsonencode({expression[:40]}...)")
        return self(_clean(parsed), depth)

    def _reference(self, ref, depth):
        parts = ref.split(".")
        if parts[0] == "local" and len(parts) == 2 and parts[1] in self.module["locals"] and depth < 8:
            return self(self.module["locals"][parts[1]], depth + 1)
        if len(parts) == 4 and parts[:2] == ["data", "aws_iam_policy_document"] and \
                parts[3] in ("json", "minified_json") and parts[2] in self.module["documents"] and depth < 8:
            return self(_policy_document(self.module["documents"][parts[2]]), depth + 1)
        if len(parts) == 3:
            kind, name, attribute = parts
            found = self.module["resources"].get(f"{kind}.{name}")
            if found and (kind, attribute) in NAME_ATTRIBUTES and depth < 8:
                given = self(found[1].get(NAME_ATTRIBUTES[(kind, attribute)]), depth + 1)
                if isinstance(given, str):
                    return given
            if found and kind in IDENTITY_TYPES:
                return Reference("${" + ref + "}", f"{kind}.{name}")
        return Symbol("${" + ref + "}")


def _json_text(value):
    """A policy attribute: JSON text (state, plan, heredoc) or an object (jsonencode read from a .tf)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value  # reported by the policy reader as not JSON
    return value


def read(path) -> list:
    if Path(path).suffix == ".tf":
        resources, where = _tf_resources(path), Where(path)
        values = _Values(_module(path))
        module_resources = [(k, a, v, w) for a, (k, v, w) in values.module["resources"].items()]
    else:
        resources, where = _show_resources(path)
        values = _Values(None)
        module_resources = resources
    kinds = sorted({k for k, _, _, _ in resources})
    if not set(kinds) & set(READ_TYPES):
        raise Skip(f"Terraform without a resource type proofgate reads ({', '.join(kinds) or 'no resources'})")
    account = _account(resources, path, where)
    return _Reader(path, account, values, resources, module_resources).subjects()


def _account(resources, path, where: Where) -> str:
    for _, _, values, _ in resources:
        if isinstance(values, dict):
            for key in ("arn", "owner_id"):
                v = values.get(key)
                m = ACCOUNT_IN_ARN.match(v) if isinstance(v, str) else None
                if m or (key == "owner_id" and isinstance(v, str) and re.fullmatch(r"\d{12}", v)):
                    return m.group(1) if m else str(v)
    return account_from_folders(path, where, "Terraform configuration")


class _Reader:
    def __init__(self, path, account, values: _Values, resources, module_resources):
        self.path, self.account, self.v = path, account, values
        self.resources = [(k, a, values(v) if isinstance(v, dict) else v, w) for k, a, v, w in resources]
        self.module = [(k, a, values(v) if isinstance(v, dict) else v, w) for k, a, v, w in module_resources]

    def of_type(self, kind, everywhere=False):
        for k, address, values, at in self.module if everywhere else self.resources:
            if k == kind and isinstance(values, dict):
                yield address, values, at

    def subject(self, kind, sid, document, at: Where, resources=(), description=""):
        return Subject(kind, sid, self.account, str(self.path), document, tuple(resources), source=str(self.path),
                       element=at.path, description=description)

    def subjects(self) -> list:
        out = self.buckets() + self.policies() + self.roles() + self.groups() + self.acls() + self.keys()
        other: dict = {}
        for kind, address, _, _ in self.resources:
            if kind not in READ_TYPES:
                other.setdefault(kind, []).append(address)
        return out + [Skipped(", ".join(names), f"{kind}: not a resource type proofgate reads")
                      for kind, names in other.items()]

    def buckets(self) -> list:
        out = []
        for address, values, at in self.of_type("aws_s3_bucket_policy"):
            bucket = values.get("bucket")
            known = isinstance(bucket, str)
            also = [] if known else [f"{bucket} ({at.key('bucket')}): the bucket's name"]
            name = bucket if known else "*"
            out.append(self.subject("s3-bucket-policy", f"bucket/{bucket}" if known else address,
                                    policy_of(_json_text(values.get("policy")), at.key("policy"), RESOURCE, also),
                                    at.key("policy"), (f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"),
                                    f"bucket policy {address}"))
        return out

    def _policy_documents(self):
        for address, values, at in self.of_type("aws_iam_policy", everywhere=True):
            yield address, values, at, policy_of(_json_text(values.get("policy")), at.key("policy"), IDENTITY)

    def policies(self) -> list:
        mine = {a for _, a, _, _ in self.resources}
        out = []
        for address, values, at, document in self._policy_documents():
            if address not in mine:
                continue
            name, path = values.get("name"), values.get("path", "/")
            sid = f"policy{path}{name}" if isinstance(name, str) and isinstance(path, str) else address
            out.append(self.subject("iam-policy", sid, document, at.key("policy"), description=f"{address}"))
        return out

    def roles(self) -> list:
        inline: dict = {}
        for _, values, at in self.of_type("aws_iam_role_policy", everywhere=True):
            inline.setdefault(str(_identity(values.get("role"))), []).append(
                policy_of(_json_text(values.get("policy")), at.key("policy"), IDENTITY))
        out = self._orphans()
        documents = {a: d for a, _, _, d in self._policy_documents()}
        attached: dict = {}
        for _, values, at in self.of_type("aws_iam_role_policy_attachment", everywhere=True):
            role, policy = _identity(values.get("role")), _identity(values.get("policy_arn"))
            attached.setdefault(str(role), []).append((policy, at))
        for address, values, at in self.of_type("aws_iam_role"):
            name = values.get("name")
            known = isinstance(name, str)
            sid = f"role/{name}" if known else address
            parts, missing = [], []
            for i, item in enumerate(_seq(values.get("inline_policy"))):
                if isinstance(item, Symbol):
                    missing += symbols_in(item, at.key("inline_policy").index(i))
                elif isinstance(item, dict) and "policy" in item:
                    parts.append(policy_of(_json_text(item["policy"]), at.key("inline_policy").index(i).key("policy"),
                                           IDENTITY))
            parts += inline.get(address, []) + (inline.get(name, []) if known else [])
            for ref, aw in attached.get(address, []) + (attached.get(name, []) if known else []):
                if isinstance(ref, str) and ref in documents:
                    parts.append(documents[ref])
                else:
                    missing.append(f"attached policy {ref} ({aw})")
            for i, arn in enumerate(_seq(values.get("managed_policy_arns"))):
                missing.append(f"attached policy {arn} ({at.key('managed_policy_arns').index(i)})")
            if values.get("permissions_boundary"):
                missing.append(f"permissions boundary ({at.key('permissions_boundary')}): not modelled")
            missing += [m for part in parts for m in part.missing]
            out.append(self.subject("iam-policy", sid, merge_policies(parts, str(self.path), missing), at,
                                    description=f"identity policies of {address}"))
            tw = at.key("assume_role_policy")
            also = [] if known else [f"{name} ({at.key('name')}): the role's name"]
            path = values.get("path", "/") if isinstance(values.get("path", "/"), str) else "/"
            arn = f"arn:aws:iam::{self.account}:role{path}{name if known else '*'}"
            out.append(self.subject("role-trust-policy", f"{sid}/trust",
                                    policy_of(_json_text(values.get("assume_role_policy")), tw, TRUST, also), tw,
                                    (arn,),
                                    f"trust policy of {address}"))
        return out

    def _orphans(self) -> list:
        """aws_iam_role_policy of this file for a role the input does not define: a subject of its own, with the
        role's other policies missing (they are elsewhere), so that it is never dropped."""
        roles = {x for address, values, _ in self.of_type("aws_iam_role", everywhere=True)
                 for x in (address, values.get("name")) if isinstance(x, str)}
        out = []
        for address, values, at in self.of_type("aws_iam_role_policy"):
            role = _identity(values.get("role"))
            if role in roles:
                continue
            document = policy_of(_json_text(values.get("policy")), at.key("policy"), IDENTITY,
                                 [f"the other policies of role {role} ({at.key('role')}): not defined in the input"])
            out.append(self.subject("iam-policy", address, document, at.key("policy"),
                                    description=f"inline policy {address} of role {role}"))
        return out

    def groups(self) -> list:
        out = []
        separate: dict = {}
        for kind in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"):
            for _, values, at in self.of_type(kind, everywhere=True):
                gid = _identity(values.get("security_group_id"))
                separate.setdefault(str(gid), []).append((_rule(values), kind.endswith("egress_rule"), at))
        for address, values, at in self.of_type("aws_security_group"):
            gid = values.get("id") if isinstance(values.get("id"), str) else address
            rules = []
            for key, egress in (("ingress", False), ("egress", True)):
                for i, block in enumerate(_seq(values.get(key))):
                    rules.append((_permission(block, address), egress, at.key(key).index(i)))
            rules += separate.get(address, []) + separate.get(str(values.get("id")), [])
            name = values.get("name") if isinstance(values.get("name"), str) else ""
            # Terraform removes the allow-all egress rule AWS creates in a new group (aws_security_group docs)
            out.append(self.subject("security-group", gid, security_group_of(gid, name, rules), at,
                                    description=f"security group {address}"))
        return out

    def acls(self) -> list:
        separate: dict = {}
        for _, values, at in self.of_type("aws_network_acl_rule", everywhere=True):
            acl = _identity(values.get("network_acl_id"))
            separate.setdefault(str(acl), []).append((_acl_rule(values), at))
        out = []
        for address, values, at in self.of_type("aws_network_acl"):
            aid = values.get("id") if isinstance(values.get("id"), str) else address
            entries = []
            for key, egress in (("ingress", False), ("egress", True)):
                for i, block in enumerate(_seq(values.get(key))):
                    entries.append((_acl_block(block, egress), at.key(key).index(i)))
            entries += separate.get(address, []) + separate.get(str(values.get("id")), [])
            out.append(self.subject("network-acl", aid, network_acl_of(aid, entries, at), at,
                                    description=f"network ACL {address}"))
        return out

    def keys(self) -> list:
        out = []
        for address, values, at in self.of_type("aws_kms_key"):
            given = _json_text(values["policy"]) if values.get("policy") else default_key_policy(self.account)
            kid = values.get("key_id") if isinstance(values.get("key_id"), str) else None
            arn = values.get("arn") if isinstance(values.get("arn"), str) else \
                f"arn:aws:kms:*:{self.account}:key/{kid or '*'}"
            out.append(self.subject("kms-key-policy", f"key/{kid}" if kid else address,
                                    policy_of(given, at.key("policy"), RESOURCE), at.key("policy"), (arn,),
                                    f"key policy of {address}"))
        return out


def _ports(values, out):
    for key, api in (("from_port", "FromPort"), ("to_port", "ToPort")):
        if values.get(key) is not None:
            out[api] = values[key]
    return out


def _permission(block, address) -> dict:
    """An ingress/egress block of aws_security_group in DescribeSecurityGroups' shape."""
    if not isinstance(block, dict):
        return {"IpProtocol": block}
    out = _ports(block, {"IpProtocol": block.get("protocol")})
    out["IpRanges"] = [{"CidrIp": c} for c in _seq(block.get("cidr_blocks"))]
    out["Ipv6Ranges"] = [{"CidrIpv6": c} for c in _seq(block.get("ipv6_cidr_blocks"))]
    groups = [_identity(g) for g in _seq(block.get("security_groups"))]
    groups += [address] if block.get("self") is True else []  # self: the group's own members
    out["UserIdGroupPairs"] = [{"GroupId": g} for g in groups]
    out["PrefixListIds"] = [{"PrefixListId": p} for p in _seq(block.get("prefix_list_ids"))]
    return _drop_ports_of_all(out)


def _seq(value) -> list:
    """A list attribute; a symbolic one (a variable) stays one symbolic element, so that it is found."""
    return value if isinstance(value, list) else [] if value is None else [value]


def _rule(values) -> dict:
    """aws_vpc_security_group_ingress_rule / _egress_rule: one source each."""
    out = _ports(values, {"IpProtocol": values.get("ip_protocol")})
    if values.get("cidr_ipv4"):
        out["IpRanges"] = [{"CidrIp": values["cidr_ipv4"]}]
    if values.get("cidr_ipv6"):
        out["Ipv6Ranges"] = [{"CidrIpv6": values["cidr_ipv6"]}]
    if values.get("referenced_security_group_id"):
        out["UserIdGroupPairs"] = [{"GroupId": _identity(values["referenced_security_group_id"])}]
    if values.get("prefix_list_id"):
        out["PrefixListIds"] = [{"PrefixListId": values["prefix_list_id"]}]
    return _drop_ports_of_all(out)


def _drop_ports_of_all(out):
    if str(out.get("IpProtocol")) in ("-1", "all"):  # Terraform writes 0/0 for every port
        out.pop("FromPort", None)
        out.pop("ToPort", None)
    return out


def _acl_block(block, egress: bool) -> dict:
    if not isinstance(block, dict):
        return {"RuleNumber": block}
    return _acl_entry(block, block.get("rule_no"), block.get("action"), egress)


def _acl_rule(values) -> dict:
    return _acl_entry(values, values.get("rule_number"), values.get("rule_action"), values.get("egress", False))


def _acl_entry(values, number, action, egress) -> dict:
    out = {"RuleNumber": number, "Protocol": str(values.get("protocol")), "RuleAction": action, "Egress": egress}
    for key, api in (("cidr_block", "CidrBlock"), ("ipv6_cidr_block", "Ipv6CidrBlock")):
        if values.get(key):
            out[api] = values[key]
    if values.get("from_port") is not None and values.get("to_port") is not None:
        out["PortRange"] = {"From": values["from_port"], "To": values["to_port"]}
    if values.get("icmp_type") is not None:
        out["IcmpTypeCode"] = {"Type": values["icmp_type"], "Code": values.get("icmp_code", -1)}
    return out


__all__ = ["recognises", "read", "symbols_in"]
