variable "project_id" {
  description = "Google Cloud project that hosts the functions, secrets, Firestore and Pub/Sub."
  type        = string
}

variable "region" {
  description = "Region for Cloud Functions, Pub/Sub and Cloud Scheduler (firebase.json's rewrites name it too)."
  type        = string
  default     = "us-east4"
}

variable "source_archive" {
  description = "Path of the zip that infra/deploy.sh builds: package.json, package-lock.json and dist/."
  type        = string
  default     = "../.deploy/source.zip"
}

variable "connections" {
  description = "E*TRADE connections (one login under one consumer key each). Defaults: prod and sandbox."
  type = list(object({
    id                      = string
    environment             = string
    label                   = optional(string)
    consumer_key_created_at = optional(string)
  }))
  default = [
    { id = "prod", environment = "prod", label = "Live" },
    { id = "sandbox", environment = "sandbox", label = "Sandbox" },
  ]
}

variable "telegram_chat_id" {
  description = "The only Telegram chat that receives alerts and may use bot commands."
  type        = string
}

variable "telegram_allowed_user_ids" {
  description = "Telegram user ids whose messages in the chat are taken (commands, pasted E*TRADE codes). Empty: anyone in the chat."
  type        = list(string)
  default     = []
}

variable "slack_enabled" {
  description = "Also send alerts to the Slack incoming webhook stored in the etrade-oauth-slack-webhook-url secret."
  type        = bool
  default     = false
}

variable "hosting_site_id" {
  description = "Firebase Hosting site id; the page is https://<site>.web.app."
  type        = string
}

variable "keepalive_lead_minutes" {
  description = "Keep-alive calls E*TRADE this long after the last use (E*TRADE idles tokens at 120)."
  type        = number
  default     = 90
}

variable "alert_emails" {
  description = "Addresses Cloud Monitoring emails when an alert of infra/monitoring.tf fires. Empty: incidents show in the console only."
  type        = list(string)
  default     = []
}

variable "config_secrets_generation" {
  description = "Bump after adding a version to a configuration secret: every function gets a new revision, whose instances read the new version (README, Rotating a configuration secret)."
  type        = number
  default     = 1
}
