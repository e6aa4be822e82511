output "server_environment" {
  description = "Environment variables for the MCP server process."
  value = {
    AWS_REGION               = var.region
    FP_TABLE_NAME            = aws_dynamodb_table.fp_events.name
    CONSENT_TABLE_NAME       = aws_dynamodb_table.consent.name
    BLOCK_COUNTER_TABLE_NAME = aws_dynamodb_table.block_counter.name
    NONCE_PARAMETER_NAME     = aws_ssm_parameter.nonce.name
    ORG_SALT_PARAMETER_NAME  = aws_ssm_parameter.org_salt.name
  }
}

output "session_key_parameter" {
  description = "SSM parameter with the replicas' shared session key (serve --http --stateless); fetched at start into --session-key-file or PHASE_MIRROR_SESSION_KEY."
  value       = aws_ssm_parameter.session_key.name
}

output "runtime_policy_arn" {
  value = aws_iam_policy.runtime.arn
}

output "admin_policy_arn" {
  value = aws_iam_policy.admin.arn
}
