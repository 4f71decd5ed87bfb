resource "google_storage_bucket" "source" {
  name                        = "${var.project_id}-etrade-oauth-source"
  location                    = var.region
  uniform_bucket_level_access = true
}

resource "google_storage_bucket_object" "source" {
  name   = "source-${filemd5(var.source_archive)}.zip"
  bucket = google_storage_bucket.source.name
  source = var.source_archive
}

locals {
  trigger_topics = {
    keepalive_tick = google_pubsub_topic.keepalive_tick.id
    morning_tick   = google_pubsub_topic.morning_tick.id
    notices        = google_pubsub_topic.notices.id
  }
}

resource "google_cloudfunctions2_function" "function" {
  for_each = local.functions
  # The entry point's name, as firebase.json's Hosting rewrites call it.
  name     = each.key
  location = var.region

  build_config {
    runtime     = "nodejs20"
    entry_point = each.value.entry_point
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    # One whole vCPU: unset, 256M buys 0.167 vCPU, at which a cold start takes 5-6 times as long (each
    # CPU-bound millisecond x6) and a renewal meets four of them. CPU-bound work bills about the same
    # vCPU-seconds at either share, so the cost stays inside the free tier (docs/performance.md).
    available_cpu                    = "1"
    available_memory                 = "256M"
    max_instance_request_concurrency = each.value.concurrency
    min_instance_count               = 0
    max_instance_count               = 3
    timeout_seconds                  = each.value.trigger == "http" ? 60 : 300
    service_account_email            = google_service_account.function[each.key].email
    environment_variables            = merge(local.function_env, lookup(local.function_env_extra, each.key, {}))

    # Configuration secrets as environment variables (shared/adapters/gcp/envSecretReader.ts): resolved
    # by the platform when an instance starts, so a function that reads no token pair needs no Secret
    # Manager client at all. Rotation: README, "Rotating a configuration secret".
    dynamic "secret_environment_variables" {
      for_each = local.mounted_secrets[each.key]
      content {
        key        = "SECRET_${upper(replace(secret_environment_variables.value, "-", "_"))}"
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }

  dynamic "event_trigger" {
    for_each = each.value.trigger == "http" ? [] : [each.value.trigger]
    content {
      trigger_region        = var.region
      event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
      pubsub_topic          = local.trigger_topics[event_trigger.value]
      service_account_email = google_service_account.function[each.key].email
      # Redelivery is safe: the morning alert is claimed once per day, keep-alive writes are idempotent.
      retry_policy = "RETRY_POLICY_RETRY"
    }
  }

  # A revision whose service account cannot read a mounted secret fails to deploy.
  depends_on = [google_secret_manager_secret_iam_member.function]
}
