# Phase Mirror MCP server: the three DynamoDB tables with the layouts the
# server uses (docs/stores.md), the SSM parameters of the nonce, the org salt
# and the replicas' shared session key, and a KMS key for them. Nothing here is read at server start-up; the
# server reaches these resources on first use.

locals {
  base = "${var.name_prefix}-${var.environment}"
  tables = {
    fp_events     = "${local.base}-fp-events"
    consent       = "${local.base}-consent"
    block_counter = "${local.base}-block-counter"
  }
  nonce_parameter    = "/${var.name_prefix}/${var.environment}/nonce"
  org_salt_parameter = "/${var.name_prefix}/${var.environment}/nonce-org-salt"
  session_key_param  = "/${var.name_prefix}/${var.environment}/session-key"
}

resource "aws_kms_key" "main" {
  description             = "Phase Mirror ${var.environment}: DynamoDB tables and SSM SecureStrings"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.base}"
  target_key_id = aws_kms_key.main.key_id
}

# FP events. One item per event (pk = "event#<eventId>"); four indexes so that
# every read is a Query: per org, per org and rule, per org and finding, and per
# rule across orgs (k-anonymous comparisons). Events expire after 400 days.
resource "aws_dynamodb_table" "fp_events" {
  name         = local.tables.fp_events
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  dynamic "attribute" {
    for_each = ["pk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "gsi4pk", "gsi4sk"]
    content {
      name = attribute.value
      type = "S"
    }
  }

  global_secondary_index {
    name            = "OrgTimeIndex"
    hash_key        = "gsi1pk"
    range_key       = "gsi1sk"
    projection_type = "ALL"
  }
  global_secondary_index {
    name            = "OrgRuleTimeIndex"
    hash_key        = "gsi2pk"
    range_key       = "gsi2sk"
    projection_type = "ALL"
  }
  global_secondary_index {
    name            = "OrgFindingIndex"
    hash_key        = "gsi3pk"
    range_key       = "gsi3sk"
    projection_type = "ALL"
  }
  global_secondary_index {
    name            = "RuleTimeIndex"
    hash_key        = "gsi4pk"
    range_key       = "gsi4sk"
    projection_type = "ALL"
  }

  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }
  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.main.arn
  }
  tags = { Purpose = "FalsePositiveTracking" }
}

# Consent: append-only history per org (pk = "org#<orgHash>", sk = "rec#<seq>"),
# never expired.
resource "aws_dynamodb_table" "consent" {
  name         = local.tables.consent
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }
  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.main.arn
  }
  tags = { Purpose = "ConsentManagement" }
}

# Block counter of the circuit breaker: one item per org, repository and UTC
# hour; rows expire two days after their hour.
resource "aws_dynamodb_table" "block_counter" {
  name         = local.tables.block_counter
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }
  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }
  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.main.arn
  }
  tags = { Purpose = "CircuitBreakerTracking" }
}

# 32 random bytes as 64 lowercase hex characters each. Later versions are
# written by `phase-mirror-mcp nonce rotate`; Terraform leaves them alone.
resource "random_id" "nonce" {
  byte_length = 32
}

resource "random_id" "org_salt" {
  byte_length = 32
}

resource "aws_ssm_parameter" "nonce" {
  name   = local.nonce_parameter
  type   = "SecureString"
  key_id = aws_kms_key.main.arn
  value  = random_id.nonce.hex
  lifecycle {
    ignore_changes = [value]
  }
}

resource "aws_ssm_parameter" "org_salt" {
  name   = local.org_salt_parameter
  type   = "SecureString"
  key_id = aws_kms_key.main.arn
  value  = random_id.org_salt.hex
  lifecycle {
    ignore_changes = [value]
  }
}

# The key that signs the session ids of `serve --http --stateless`, shared by
# every replica (docs/DEPLOYMENT.md, "Team deployment"). The server reads it
# from a file or PHASE_MIRROR_SESSION_KEY: the replicas' start-up fetches it
# from here. A rotation writes "new old" (white-space separated) by hand;
# Terraform leaves later values alone.
resource "random_id" "session_key" {
  byte_length = 32
}

resource "aws_ssm_parameter" "session_key" {
  name   = local.session_key_param
  type   = "SecureString"
  key_id = aws_kms_key.main.arn
  value  = random_id.session_key.hex
  lifecycle {
    ignore_changes = [value]
  }
}
