# https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role
# https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role_policy
# https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_policy
resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "home" {
  name = "home"
  role = aws_iam_role.deploy.id
  policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/home/$${aws:username}/*"}]
}
EOT
}

resource "aws_iam_policy" "logs" {
  name   = "read-logs"
  policy = data.aws_iam_policy_document.logs.json
}

resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.deploy.name
  policy_arn = aws_iam_policy.logs.arn
}

# https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "ReadLogs"
    actions   = ["logs:GetLogEvents"]
    resources = ["arn:aws:logs:*:123456789012:log-group:app:*"]
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalTag/team"
      values   = ["ops"]
    }
  }
  statement {
    effect    = "Deny"
    actions   = ["logs:DeleteLogGroup"]
    resources = ["*"]
  }
}
