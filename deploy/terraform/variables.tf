variable "region" {
  description = "AWS region of the tables and parameters (the server's AWS_REGION)."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "phase-mirror"
}

variable "environment" {
  description = "Environment name (staging, production, ...), part of every resource name."
  type        = string
}

variable "runtime_role_name" {
  description = "Optional IAM role the MCP server runs as; the runtime policy is attached to it when set."
  type        = string
  default     = ""
}

variable "admin_role_name" {
  description = "Optional IAM role of the operators who run `store init` and `nonce rotate`."
  type        = string
  default     = ""
}

variable "point_in_time_recovery" {
  description = "Enable point-in-time recovery on the tables."
  type        = bool
  default     = true
}
