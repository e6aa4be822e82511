# Least-privilege policies. The server itself reads and writes items with
# GetItem, PutItem, UpdateItem and Query only (no Scan: no documented command
# needs one) and reads its parameters (the nonce, the org salt, the session key
# of stateless replicas). Writing parameters and creating
# tables belong to the separate admin policy (`nonce rotate`, `store init`).

locals {
  table_arns = [
    aws_dynamodb_table.fp_events.arn,
    aws_dynamodb_table.consent.arn,
    aws_dynamodb_table.block_counter.arn,
  ]
  parameter_arns = [aws_ssm_parameter.nonce.arn, aws_ssm_parameter.org_salt.arn]
  # Read by every replica at start (the session key), written only by operators.
  runtime_parameter_arns = concat(local.parameter_arns, [aws_ssm_parameter.session_key.arn])
}

data "aws_iam_policy_document" "runtime" {
  statement {
    sid       = "StoreItems"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"]
    resources = concat(local.table_arns, ["${aws_dynamodb_table.fp_events.arn}/index/*"])
  }
  statement {
    sid       = "ReadSecrets"
    actions   = ["ssm:GetParameter"]
    resources = local.runtime_parameter_arns
  }
  statement {
    sid       = "DecryptThroughServices"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.main.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ssm.${var.region}.amazonaws.com", "dynamodb.${var.region}.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "admin" {
  statement {
    sid       = "RotateSecrets"
    actions   = ["ssm:PutParameter"]
    resources = local.runtime_parameter_arns
  }
  statement {
    sid       = "EncryptThroughSsm"
    actions   = ["kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.main.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ssm.${var.region}.amazonaws.com"]
    }
  }
  statement {
    sid       = "InitTables"
    actions   = ["dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:UpdateTimeToLive"]
    resources = local.table_arns
  }
}

resource "aws_iam_policy" "runtime" {
  name        = "${local.base}-mcp-runtime"
  description = "Phase Mirror MCP server: store items and read the nonce/org salt"
  policy      = data.aws_iam_policy_document.runtime.json
}

resource "aws_iam_policy" "admin" {
  name        = "${local.base}-mcp-admin"
  description = "Phase Mirror MCP admin commands: nonce rotate, store init"
  policy      = data.aws_iam_policy_document.admin.json
}

resource "aws_iam_role_policy_attachment" "runtime" {
  count      = var.runtime_role_name == "" ? 0 : 1
  role       = var.runtime_role_name
  policy_arn = aws_iam_policy.runtime.arn
}

resource "aws_iam_role_policy_attachment" "admin" {
  count      = var.admin_role_name == "" ? 0 : 1
  role       = var.admin_role_name
  policy_arn = aws_iam_policy.admin.arn
}
