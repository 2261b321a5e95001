"""CloudFormation templates (JSON, or YAML with the short-form tags `!Ref`, `!Sub`, ...), read with
cfn-lint's template loader, which turns the tags into their long form and keeps line numbers.

Resource types read (CloudFormation template reference): AWS::S3::BucketPolicy, AWS::IAM::Role
(its trust policy, and its effective identity policy: inline `Policies`, the AWS::IAM::Policy and
AWS::IAM::ManagedPolicy resources of the template attached to it), AWS::IAM::Policy,
AWS::IAM::ManagedPolicy, AWS::EC2::SecurityGroup (+ AWS::EC2::SecurityGroupIngress/Egress),
AWS::EC2::NetworkAcl (+ AWS::EC2::NetworkAclEntry) and AWS::KMS::Key. Other types are listed as
skipped.

Intrinsic functions are resolved only where the template fixes the value: `Fn::Sub`, `Fn::Join`,
`Fn::Select`, `Fn::Split` and `Fn::FindInMap` of fixed values, `Ref` to a bucket or role whose name
the template gives. `AWS::AccountId` is the account the file is filed under (its folder named by the
12-digit id), the account every subject of the file is given. Everything else (parameters, even with
a default, other pseudo parameters such as `AWS::Partition`, `Fn::GetAtt`, `Fn::If`, `Fn::ImportValue`,
a name CloudFormation generates) stays symbolic: a subject holding one is NOT CHECKABLE naming it.
A security group, network ACL or managed policy referred to inside the template is known by its
logical id, which is all a reference to it needs (the same group, or another).

The stack's account comes from the folders (export/111122223333/stack.yaml), since a template does
not name it.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..policy.document import IDENTITY, RESOURCE, TRUST
from ..policy.errors import Where
from ..policy.loader import Subject
from .common import Skip, Skipped, account_from_folders
from .iam_details import _merge as merge_policies
from .symbolic import Symbol, default_key_policy, network_acl_of, policy_of, security_group_of

TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")
YAML_HEAD = re.compile(r"^AWSTemplateFormatVersion\s*:", re.M)
YAML_RESOURCES = re.compile(r"^Resources\s*:\s*$", re.M)
YAML_TYPE = re.compile(r"^\s+Type\s*:\s*['\"]?AWS::", re.M)
NO_VALUE = object()  # Ref AWS::NoValue: the property is left out
IDENTITY_TYPES = ("AWS::EC2::SecurityGroup", "AWS::EC2::NetworkAcl", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role")
READ_TYPES = ("AWS::S3::BucketPolicy", "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
              "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress",
              "AWS::EC2::NetworkAcl", "AWS::EC2::NetworkAclEntry", "AWS::KMS::Key")


def recognises(path, data) -> bool:
    if isinstance(data, dict):
        resources = data.get("Resources")
        return isinstance(resources, dict) and ("AWSTemplateFormatVersion" in data or any(
            isinstance(r, dict) and str(r.get("Type", "")).startswith("AWS::") for r in resources.values()))
    if data is None and Path(path).suffix in TEMPLATE_SUFFIXES:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        return bool(YAML_HEAD.search(text) or (YAML_RESOURCES.search(text) and YAML_TYPE.search(text)))
    return False


def _load(path):
    where = Where(path)
    template, matches = _decode(str(path))
    if matches:
        m = matches[0]
        raise where.fail(f"line {m.linenumber}, column {m.columnnumber}: {m.message}")
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise where.fail("a CloudFormation template needs a Resources object")
    return template, where


def _decode(path: str):
    from cfnlint.decode import decode  # imported here: loading cfn-lint takes a moment
    return decode(path)


class Template:
    """Intrinsic functions resolved where the template fixes them, otherwise Symbols."""

    def __init__(self, template: dict, account: str):
        self.parameters = template.get("Parameters") or {}
        self.resources = template["Resources"]
        self.mappings = template.get("Mappings") or {}
        self.account = account

    def type_of(self, logical) -> str | None:
        resource = self.resources.get(logical) if isinstance(logical, str) else None
        return resource.get("Type") if isinstance(resource, dict) else None

    def props(self, logical) -> dict:
        props = self.resources[logical].get("Properties") or {}
        return props if isinstance(props, dict) else {}

    def resolve(self, value, identity: bool = False):
        """`identity`: a Ref or GetAtt to a group, ACL, role or managed policy of the template gives its logical
        id (where only which one it is matters: a group a rule refers to, the role a policy is attached to)."""
        if isinstance(value, list):
            items = [self.resolve(v, identity) for v in value]
            return [v for v in items if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (name, arg), = value.items()
            if name == "Ref":
                return self._ref(arg, identity)
            if name == "Fn::GetAtt":
                parts = arg.split(".", 1) if isinstance(arg, str) else arg
                logical = parts[0] if isinstance(parts, list) and parts else None
                if identity and self.type_of(logical) in IDENTITY_TYPES:
                    return f"#{logical}"
                return Symbol(f"Fn::GetAtt {'.'.join(map(str, parts)) if isinstance(parts, list) else arg}")
            if name == "Fn::Sub":
                return self._sub(arg)
            if name in ("Fn::Join", "Fn::Select", "Fn::Split", "Fn::FindInMap"):
                return self._function(name, self.resolve(arg))
            if name.startswith("Fn::") or name == "Condition":
                return Symbol(f"{name} {_short(arg)}")
        out = {k: self.resolve(v, identity) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not NO_VALUE}

    def _ref(self, name, identity: bool):
        if name == "AWS::AccountId":
            return self.account
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.parameters:
            return Symbol(f"Ref {name} (a template parameter)")
        kind = self.type_of(name)
        if identity and kind in IDENTITY_TYPES:
            return f"#{name}"
        given = {"AWS::S3::Bucket": "BucketName", "AWS::IAM::Role": "RoleName"}.get(kind or "")
        if given:
            value = self.resolve(self.props(name).get(given))
            if isinstance(value, str):
                return value
        return Symbol(f"Ref {name}")

    def _sub(self, arg):
        text, names = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1]) if isinstance(arg, list) and \
            len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict) else (None, None)
        if text is None:
            return Symbol(f"Fn::Sub {_short(arg)}")
        names = {k: self.resolve(v) for k, v in names.items()}
        unknown = []

        def value(m):
            name = m.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            got = names[name] if name in names else self._ref(name, False) if "." not in name else \
                Symbol(f"Fn::GetAtt {name}")
            if isinstance(got, (str, int)) and not isinstance(got, bool):
                return str(got)
            unknown.append(name)
            return ""
        out = re.sub(r"\$\{([^}]*)\}", value, text)
        return Symbol(f"Fn::Sub {text!r} (${{{unknown[0]}}})") if unknown else out

    def _function(self, name, arg):
        if _symbolic(arg):
            return Symbol(f"{name} {_short(arg)}")
        try:
            if name == "Fn::Join":
                return str(arg[0]).join(str(x) for x in arg[1])
            if name == "Fn::Select":
                return arg[1][int(arg[0])]
            if name == "Fn::Split":
                return str(arg[1]).split(str(arg[0]))
            return self.mappings[arg[0]][arg[1]][arg[2]]
        except (IndexError, KeyError, TypeError, ValueError):
            return Symbol(f"{name} {_short(arg)} (not valid for these values)")


def _symbolic(value) -> bool:
    if isinstance(value, Symbol):
        return True
    if isinstance(value, dict):
        return any(_symbolic(v) for v in value.values())
    return isinstance(value, list) and any(_symbolic(v) for v in value)


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def read(path) -> list:
    template, where = _load(path)
    kinds = sorted({r.get("Type") for r in template["Resources"].values() if isinstance(r, dict)}, key=str)
    if not set(kinds) & set(READ_TYPES):
        raise Skip(f"CloudFormation template without a resource type proofgate reads ({', '.join(map(str, kinds))})")
    account = account_from_folders(path, where, "a CloudFormation template")
    t = Template(template, account)
    rw = where.key("Resources")
    out: list = []
    skipped: dict = {}
    for logical, resource in t.resources.items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise rw.key(logical).fail("expected a resource with a Type")
        if resource["Type"] not in READ_TYPES:
            skipped.setdefault(resource["Type"], []).append(logical)
    reader = _Reader(t, path, rw)
    out += reader.subjects()
    out += [Skipped(f"Resources ({', '.join(names)})", f"{kind}: not a resource type proofgate reads")
            for kind, names in skipped.items()]
    return out


class _Reader:
    def __init__(self, t: Template, path, rw: Where):
        self.t, self.path, self.rw, self.file = t, path, rw, Path(path).name

    def of_type(self, *kinds):
        for logical, resource in self.t.resources.items():
            if resource["Type"] in kinds:
                yield logical, self.t.props(logical), self.rw.key(logical).key("Properties")

    def subject(self, kind, sid, document, element: Where, resources=(), description=""):
        return Subject(kind, sid, self.t.account, str(self.path), document, tuple(resources), source=str(self.path),
                       element=element.path, description=description)

    def local_id(self, logical) -> str:
        return f"{self.file}#{logical}"  # what CloudFormation names at creation: the template's own name for it

    def subjects(self) -> list:
        return self.buckets() + self.managed() + self.roles() + self.groups() + self.acls() + self.keys()

    def buckets(self) -> list:
        out = []
        for logical, props, pw in self.of_type("AWS::S3::BucketPolicy"):
            bucket = self.t.resolve(props.get("Bucket"))
            also = [] if isinstance(bucket, str) else [f"{bucket} ({pw.key('Bucket')}): the bucket's name"]
            name = bucket if isinstance(bucket, str) else "*"
            sid = f"bucket/{bucket}" if isinstance(bucket, str) else self.local_id(logical)
            document = policy_of(self.t.resolve(props.get("PolicyDocument")), pw.key("PolicyDocument"), RESOURCE, also)
            out.append(self.subject("s3-bucket-policy", sid, document, pw.key("PolicyDocument"),
                                    (f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"),
                                    f"bucket policy {logical} of {self.file}"))
        return out

    def _documents(self):
        """AWS::IAM::Policy and ManagedPolicy resources: (logical, props, Where, parsed policy)."""
        for logical, props, pw in self.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            yield logical, props, pw, policy_of(self.t.resolve(props.get("PolicyDocument")), pw.key("PolicyDocument"),
                                                IDENTITY)

    def managed(self) -> list:
        out = []
        for logical, props, pw, document in self._documents():
            key = "ManagedPolicyName" if self.t.type_of(logical) == "AWS::IAM::ManagedPolicy" else "PolicyName"
            name = self.t.resolve(props.get(key))
            sid = f"policy/{name}" if isinstance(name, str) else self.local_id(logical)
            out.append(self.subject("iam-policy", sid, document, pw.key("PolicyDocument"),
                                    description=f"{self.t.type_of(logical)} {logical} of {self.file}"))
        return out

    def roles(self) -> list:
        out = []
        attached: dict = {}  # role logical id or name -> [(policy, Where)]
        for _, props, _, document in self._documents():
            for ref in self.t.resolve(props.get("Roles") or [], identity=True):
                attached.setdefault(ref, []).append(document)
        for logical, props, pw in self.of_type("AWS::IAM::Role"):
            name = self.t.resolve(props.get("RoleName"))
            sid = f"role/{name}" if isinstance(name, str) else self.local_id(logical)
            path = props.get("Path", "/") if isinstance(props.get("Path", "/"), str) else "/"
            parts, missing = [], []
            for i, inline in enumerate(self.t.resolve(props.get("Policies") or [])):
                iw = pw.key("Policies").index(i)
                parts.append(policy_of(inline.get("PolicyDocument") if isinstance(inline, dict) else inline,
                                       iw.key("PolicyDocument"), IDENTITY))
            parts += attached.get(f"#{logical}", []) + (attached.get(name, []) if isinstance(name, str) else [])
            for i, ref in enumerate(self.t.resolve(props.get("ManagedPolicyArns") or [], identity=True)):
                aw = pw.key("ManagedPolicyArns").index(i)
                target = ref[1:] if isinstance(ref, str) and ref.startswith("#") else None
                if target and self.t.type_of(target) == "AWS::IAM::ManagedPolicy":
                    parts += [d for lg, _, _, d in self._documents() if lg == target]
                else:
                    missing.append(f"attached policy {ref} ({aw})")
            if "PermissionsBoundary" in props:
                missing.append(f"permissions boundary ({pw.key('PermissionsBoundary')}): not modelled")
            missing += [m for part in parts for m in part.missing]
            # one policy holding every statement, as for authorization details
            out.append(self.subject("iam-policy", sid, merge_policies(parts, str(self.path), missing), pw,
                                    description=f"identity policies of role {logical} of {self.file}"))
            tw = pw.key("AssumeRolePolicyDocument")
            also = [] if isinstance(name, str) else [f"{name} ({pw.key('RoleName')}): the role's name"]
            arn = f"arn:aws:iam::{self.t.account}:role{path}{name if isinstance(name, str) else '*'}"
            out.append(self.subject("role-trust-policy", f"{sid}/trust",
                                    policy_of(self.t.resolve(props.get("AssumeRolePolicyDocument")), tw, TRUST, also),
                                    tw, (arn,), f"trust policy of role {logical} of {self.file}"))
        return out

    def groups(self) -> list:
        rules: dict = {}
        names: dict = {}
        missing: dict = {}
        for logical, props, pw in self.of_type("AWS::EC2::SecurityGroup"):
            gid = f"#{logical}"
            names[gid] = self.t.resolve(props.get("GroupName")) if isinstance(
                self.t.resolve(props.get("GroupName")), str) else ""
            rules[gid] = []
            missing[gid] = []
            for key, egress in (("SecurityGroupIngress", False), ("SecurityGroupEgress", True)):
                for i, rule in enumerate(self.t.resolve(props.get(key) or [], identity=True)):
                    rules[gid].append((_permission(rule, egress), egress, pw.key(key).index(i)))
            if "SecurityGroupEgress" not in props:
                # AWS::EC2::SecurityGroup: "When you specify a VPC security group, Amazon EC2 creates a default
                # egress rule that allows egress traffic on all ports and IP protocols to any location. The
                # default rule is removed only when you specify one or more egress rules."
                rules[gid].append(({"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, True,
                                   pw.key("SecurityGroupEgress")))
        for logical, props, pw in self.of_type("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
            egress = self.t.type_of(logical) == "AWS::EC2::SecurityGroupEgress"
            resolved = self.t.resolve(props, identity=True)
            gid = resolved.get("GroupId", resolved.get("GroupName"))
            if isinstance(gid, Symbol) or not isinstance(gid, str):
                gid = f"#{logical}"
                missing.setdefault(gid, []).append(f"{resolved.get('GroupId')} ({pw.key('GroupId')}): the group")
            if gid not in rules:  # a group of another stack: the rules it has there are not in the input
                rules[gid], names[gid] = [], ""
                missing.setdefault(gid, []).append(f"the other rules of security group {gid} ({pw}): "
                                                   "it is not defined in this template")
            rules[gid].append((_permission(resolved, egress), egress, pw))
        out = []
        for gid, group_rules in rules.items():
            logical = gid[1:] if gid.startswith("#") else gid
            sid = self.local_id(logical) if gid.startswith("#") else gid
            group = security_group_of(gid, names.get(gid, ""), group_rules, missing.get(gid, ()))
            out.append(self.subject("security-group", sid, group, self.rw.key(logical),
                                    description=f"security group {logical} of {self.file}"))
        return out

    def acls(self) -> list:
        entries: dict = {f"#{lg}": [] for lg, _, _ in self.of_type("AWS::EC2::NetworkAcl")}
        missing: dict = {k: [] for k in entries}
        for logical, props, pw in self.of_type("AWS::EC2::NetworkAclEntry"):
            resolved = self.t.resolve(props, identity=True)
            acl = resolved.get("NetworkAclId")
            if not isinstance(acl, str) or acl not in entries:
                acl = acl if isinstance(acl, str) else f"#{logical}"
                entries.setdefault(acl, [])
                missing.setdefault(acl, []).append(f"the other entries of network ACL {acl} ({pw}): "
                                                   "it is not defined in this template")
            entries[acl].append((_entry(resolved), pw))
        out = []
        for acl, acl_entries in entries.items():
            logical = acl[1:] if acl.startswith("#") else acl
            sid = self.local_id(logical) if acl.startswith("#") else acl
            out.append(self.subject("network-acl", sid, network_acl_of(acl, acl_entries, self.rw.key(logical),
                                                                        missing.get(acl, ())),
                                    self.rw.key(logical), description=f"network ACL {logical} of {self.file}"))
        return out

    def keys(self) -> list:
        out = []
        for logical, props, pw in self.of_type("AWS::KMS::Key"):
            kw = pw.key("KeyPolicy")
            given = self.t.resolve(props["KeyPolicy"]) if "KeyPolicy" in props else default_key_policy(self.t.account)
            out.append(self.subject("kms-key-policy", self.local_id(logical), policy_of(given, kw, RESOURCE), kw,
                                    (f"arn:aws:kms:*:{self.t.account}:key/*",),
                                    f"key policy of {logical} of {self.file} (key id assigned at creation)"))
        return out


def _permission(rule, egress: bool) -> dict:
    """A CloudFormation ingress/egress rule (AWS::EC2::SecurityGroup Ingress / Egress property types) in
    DescribeSecurityGroups' shape."""
    if not isinstance(rule, dict):
        return {"IpProtocol": rule}  # refused by the parser with its element path
    out = {k: rule[k] for k in ("IpProtocol", "FromPort", "ToPort") if k in rule}
    if "CidrIp" in rule:
        out["IpRanges"] = [{"CidrIp": rule["CidrIp"]}]
    if "CidrIpv6" in rule:
        out["Ipv6Ranges"] = [{"CidrIpv6": rule["CidrIpv6"]}]
    peer = "Destination" if egress else "Source"
    for key in (f"{peer}SecurityGroupId", f"{peer}SecurityGroupName"):
        if key in rule:
            out["UserIdGroupPairs"] = [{"GroupId": rule[key]}]
    if f"{peer}PrefixListId" in rule:
        out["PrefixListIds"] = [{"PrefixListId": rule[f"{peer}PrefixListId"]}]
    return out


def _entry(props) -> dict:
    """AWS::EC2::NetworkAclEntry in DescribeNetworkAcls' shape (Egress defaults to false)."""
    out = {k: props[k] for k in ("RuleNumber", "Protocol", "RuleAction", "CidrBlock", "Ipv6CidrBlock", "PortRange")
           if k in props}
    out["Egress"] = props.get("Egress", False)
    if isinstance(out.get("Protocol"), int):
        out["Protocol"] = str(out["Protocol"])
    if "Icmp" in props:
        out["IcmpTypeCode"] = props["Icmp"]
    return out
