variable "project_id" {
  description = "Google Cloud project that hosts the functions, secrets, Firestore and Pub/Sub."
  type        = string
}

variable "region" {
  description = "Region for Cloud Functions, Pub/Sub and Cloud Scheduler."
  type        = string
  default     = "us-east4"
}
