"""A generated estate of realistic size for the `run` benchmarks: subjects in the native format.

    python bench/estate.py OUT_DIR [--subjects 2000] [--seed 1]

The mix is that of an account's configuration: identity policies shaped like AWS managed policies
(read-only sets of `service:Get*`/`List*`/`Describe*` on "*", service-admin policies with a few
write actions on named ARNs, conditions on tags and regions, now and then a privilege-escalation
action or an admin statement), S3 bucket policies, role trust policies, security groups (a few
default ones) and network ACLs, written as AWS documents them:
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html,
https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html and
https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html.  Every subject differs from
every other (a resource name or a port carries its number), so no two pairs share an encoding by
accident and a cache hit in a second run is a real one.  Deterministic for a seed.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

ACCOUNT = "111122223333"
SERVICES = ["ec2", "s3", "iam", "lambda", "dynamodb", "rds", "sqs", "sns", "cloudwatch", "logs", "kms",
            "ecr", "ecs", "eks", "elasticloadbalancing", "autoscaling", "cloudformation", "route53", "sts",
            "secretsmanager", "ssm", "glue", "athena", "kinesis", "states", "events", "apigateway", "acm"]
READ_VERBS = ["Get*", "List*", "Describe*", "BatchGet*", "Search*"]
WRITE_ACTIONS = {"s3": ["PutObject", "DeleteObject", "PutBucketTagging"], "ec2": ["RunInstances", "CreateTags",
                                                                                  "StartInstances"],
                 "lambda": ["InvokeFunction", "UpdateFunctionConfiguration"], "sqs": ["SendMessage", "DeleteMessage"],
                 "dynamodb": ["PutItem", "UpdateItem", "DeleteItem"], "logs": ["CreateLogStream", "PutLogEvents"],
                 "sns": ["Publish"], "kms": ["Decrypt", "GenerateDataKey"]}
ESCALATIONS = ["iam:PassRole", "iam:CreatePolicyVersion", "iam:AttachRolePolicy", "sts:AssumeRole"]


def identity_policy(i: int, rng: random.Random) -> dict:
    services = rng.sample(SERVICES, rng.randint(2, 10))
    statements: list[dict] = [{"Sid": "ReadOnly", "Effect": "Allow", "Resource": "*",
                               "Action": sorted(f"{s}:{v}" for s in services for v in rng.sample(READ_VERBS, 3))}]
    for s in [s for s in services if s in WRITE_ACTIONS][:3]:
        statements.append({"Effect": "Allow", "Action": [f"{s}:{a}" for a in WRITE_ACTIONS[s]],
                           "Resource": f"arn:aws:{s}:us-east-1:{ACCOUNT}:app-{i}-*"})
    if rng.random() < 0.3:
        statements.append({"Effect": "Allow", "Action": "ec2:TerminateInstances", "Resource": "*",
                           "Condition": {"StringEquals": {"aws:ResourceTag/team": f"team-{i}"}}})
    if rng.random() < 0.2:
        statements.append({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
                           "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}})
    if rng.random() < 0.1:  # a privilege-escalation action left on "*": IAM-2 fails
        statements.append({"Effect": "Allow", "Action": rng.choice(ESCALATIONS), "Resource": "*"})
    if rng.random() < 0.02:  # an administrator policy: IAM-1 fails
        statements.append({"Effect": "Allow", "Action": "*", "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def bucket_policy(i: int, rng: random.Random) -> dict:
    bucket = f"arn:aws:s3:::estate-bucket-{i}"
    statements: list[dict] = [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [bucket, f"{bucket}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "AccountRead", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [bucket, f"{bucket}/*"]}]
    if rng.random() < 0.5:
        statements.append({"Sid": "DenyUnencrypted", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                           "Resource": f"{bucket}/*",
                           "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}})
    if rng.random() < 0.1:  # a public website bucket
        statements.append({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                           "Resource": f"{bucket}/*"})
    return {"Version": "2012-10-17", "Statement": statements}


def trust_policy(i: int, rng: random.Random) -> dict:
    if rng.random() < 0.5:
        principal: dict = {"Service": rng.choice(["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"])}
        return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal,
                                                        "Action": "sts:AssumeRole"}]}
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/ci-{i}"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": f"external-{i}"}}}]}


def security_group(i: int, rng: random.Random) -> dict:
    group = f"sg-{i:017x}"
    if i % 50 == 0:  # a VPC's default group, left with its default rules
        return {"GroupId": group, "GroupName": "default", "VpcId": f"vpc-{i:08x}",
                "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group}]}],
                "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}
    app_port = 8000 + i % 1000
    ingress = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
               {"IpProtocol": "tcp", "FromPort": app_port, "ToPort": app_port,
                "IpRanges": [{"CidrIp": f"10.{i % 256}.0.0/16"}]},
               {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "198.51.100.0/24"}]}]
    if rng.random() < 0.1:  # SSH open to the world: NET-1 fails
        ingress.append({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})
    return {"GroupId": group, "GroupName": f"app-{i}", "VpcId": f"vpc-{i % 40:08x}", "IpPermissions": ingress,
            "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}


def network_acl(i: int, rng: random.Random) -> dict:
    entries = [{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": False, "CidrBlock": "0.0.0.0/0",
                "PortRange": {"From": 443, "To": 443}},
               {"RuleNumber": 110, "Protocol": "6", "RuleAction": "allow", "Egress": False,
                "CidrBlock": f"10.{i % 256}.0.0/16", "PortRange": {"From": 1024, "To": 65535}},
               {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": True, "CidrBlock": "0.0.0.0/0"},
               {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": False, "CidrBlock": "0.0.0.0/0"}]
    if rng.random() < 0.1:
        entries.insert(1, {"RuleNumber": 105, "Protocol": "-1", "RuleAction": "allow", "Egress": False,
                           "CidrBlock": "0.0.0.0/0"})
    return {"NetworkAclId": f"acl-{i:017x}", "IsDefault": False, "Entries": entries}


MIX = [("iam-policy", "policy", 0.55, identity_policy), ("s3-bucket-policy", "bucket", 0.1, bucket_policy),
       ("role-trust-policy", "role", 0.1, trust_policy), ("security-group", "sg", 0.15, security_group),
       ("network-acl", "nacl", 0.1, network_acl)]


def generate(directory: Path, subjects: int = 2000, seed: int = 1) -> list[Path]:
    """The estate's files (and account.yaml) in `directory`; returns the subjects' paths."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "account.yaml").write_text(
        f'kind: account\nid: "{ACCOUNT}"\norganization: o-a1b2c3d4e5\ntrusted_accounts: ["444455556666"]\n'
        'trusted_sources: [198.51.100.0/24]\n')
    paths = []
    for i in range(subjects):
        kind, prefix, _, make = rng.choices(MIX, weights=[m[2] for m in MIX])[0]
        name = f"{prefix}-{i:05d}"
        path = directory / f"{name}.json"
        path.write_text(json.dumps({"kind": kind, "id": name, "account": ACCOUNT, "document": make(i, rng)},
                                   indent=1, sort_keys=True) + "\n")
        paths.append(path)
    return paths


def change_one(path: Path) -> None:
    """A one-line change to one subject (a new read action), as after a small edit to a policy."""
    data = json.loads(path.read_text())
    first = data["document"]["Statement"][0]
    actions = first["Action"] if isinstance(first["Action"], list) else [first["Action"]]
    first["Action"] = sorted({*actions, "xray:GetTraceSummaries"})
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"{len(generate(args.out, args.subjects, args.seed))} subjects in {args.out}")
