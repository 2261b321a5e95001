"""Per-question times of `proofgate policy ...` and `network exposed` on typical AWS managed policies,
kernel check and evaluator confirmation included (the issue's target: under 1 s each).

    python bench/bench_questions.py [--repeat 3] [--timeout 60]

The policies are AWS managed policies as the AWS Managed Policy Reference prints them:
AmazonS3ReadOnlyAccess, AWSLambdaBasicExecutionRole, and a bucket policy of the S3 user guide's
examples. Per question: the answer, the wall time (median of --repeat), and within it the producer's
and the kernel's times. Figures only: nothing here asserts.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evidence.policy.document import IDENTITY, RESOURCE, parse_policy  # noqa: E402
from evidence.policy.errors import Where  # noqa: E402
from evidence.policy.loader import Estate, Subject  # noqa: E402
from evidence.policy.network import parse_security_group  # noqa: E402
from evidence.questions.can import can, parse_given  # noqa: E402
from evidence.questions.lint import lint_document  # noqa: E402
from evidence.questions.network import exposed, parse_exposure  # noqa: E402
from evidence.questions.policy import allows_all, allows_any, compare  # noqa: E402
from evidence.questions.public import public  # noqa: E402

# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonS3ReadOnlyAccess.html
S3_READ_ONLY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
    "s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"], "Resource": "*"}]}
# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html
LAMBDA_BASIC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
    "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html (restricting by IP)
BUCKET = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
          "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
          "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}]}
SSH = {"GroupId": "sg-0123456789abcdef0", "IpPermissions": [
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "203.0.113.0/24"}]}]}


def timed(run, repeat):
    times, answer = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        answer = run()
        times.append(time.perf_counter() - start)
    return answer, statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    s3 = parse_policy(S3_READ_ONLY, Where("AmazonS3ReadOnlyAccess"), IDENTITY)
    lam = parse_policy(LAMBDA_BASIC, Where("AWSLambdaBasicExecutionRole"), IDENTITY)
    bucket = parse_policy(BUCKET, Where("bucket"), RESOURCE)
    estate = Estate()
    estate.subjects["sg"] = Subject("security-group", "sg", "111122223333", "sg", parse_security_group(SSH, Where("sg")))
    t = args.timeout
    questions = [
        ("compare S3ReadOnly LambdaBasic", lambda: compare(s3, lam, timeout=t)),
        ("compare S3ReadOnly S3ReadOnly", lambda: compare(s3, s3, timeout=t)),
        ("can S3ReadOnly s3:PutObject", lambda: can(s3, parse_given(action="s3:PutObject"), timeout=t)),
        ("can S3ReadOnly s3:GetObject", lambda: can(s3, parse_given(action="s3:GetObject"), timeout=t)),
        ("allows-any LambdaBasic", lambda: allows_any(lam, timeout=t)),
        ("allows-all S3ReadOnly", lambda: allows_all(s3, timeout=t)),
        ("public bucket (SourceIp /24)", lambda: public(bucket, "s3-bucket-policy", "111122223333", timeout=t)),
        ("exposed sg port 22", lambda: exposed(estate, parse_exposure("22"), timeout=t)),
    ]
    print(f"{'question':34} {'answer':16} {'wall s':>7} {'produce s':>9} {'kernel s':>8}")
    for label, run in questions:
        answer, wall = timed(run, args.repeat)
        produce = sum(p.settled.seconds.get("produce", 0) for p in answer.parts)
        check = sum(p.settled.seconds.get("check", 0) for p in answer.parts)
        print(f"{label:34} {answer.word:16} {wall:7.3f} {produce:9.3f} {check:8.4f}")
    _, wall = timed(lambda: lint_document(S3_READ_ONLY), args.repeat)
    print(f"{'lint S3ReadOnly':34} {'-':16} {wall:7.3f}")


if __name__ == "__main__":
    main()
