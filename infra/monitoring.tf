# Alerts that do not depend on the system's own notifier: when Firestore or Telegram is the thing that
# is down, the functions cannot record a failure streak or send a warning, but Cloud Logging still has
# their log lines (shared/log.ts writes one JSON object per line; `message` is the event name).

locals {
  function_logs = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=(${join(" OR ", [for name in keys(local.functions) : "\"${lower(name)}\""])})"

  # Every ERROR line the code writes means a state it could not record or an announcement it lost
  # (keepalive.unrecorded: the store was down; keepalive.announce_failed: an event or notice was lost;
  # pinflow.rollback_failed: a new token version is enabled but unrecorded until the next renewal;
  # morning_notice.undelivered: the morning reminder reached no chat channel, Pub/Sub retries it;
  # notice.undelivered: a queued notice reached no chat channel, Pub/Sub retries it).
  # The infra test checks these names against the code's log.error calls.
  error_events = ["keepalive.unrecorded", "keepalive.announce_failed", "pinflow.rollback_failed", "morning_notice.undelivered", "notice.undelivered"]

  # keepAlive logs this at the end of every run; the scheduler runs it every 15 minutes.
  keepalive_finished_event = "keepalive.finished"
  keepalive_silence        = "2700s" # three missed runs
}

resource "google_monitoring_notification_channel" "email" {
  for_each     = toset(var.alert_emails)
  display_name = "etrade-oauth alerts to ${each.value}"
  type         = "email"
  labels       = { email_address = each.value }
}

resource "google_logging_metric" "errors" {
  name   = "etrade-oauth/errors"
  filter = "${local.function_logs} AND severity>=ERROR AND jsonPayload.message=(${join(" OR ", [for event in local.error_events : "\"${event}\""])})"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    labels {
      key        = "event"
      value_type = "STRING"
    }
  }
  label_extractors = { event = "EXTRACT(jsonPayload.message)" }
}

resource "google_logging_metric" "keepalive_runs" {
  name   = "etrade-oauth/keepalive-runs"
  filter = "${local.function_logs} AND jsonPayload.message=\"${local.keepalive_finished_event}\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
  }
}

resource "google_monitoring_alert_policy" "unrecorded_failures" {
  display_name          = "etrade-oauth: a failure could not be recorded or announced"
  combiner              = "OR"
  notification_channels = [for channel in google_monitoring_notification_channel.email : channel.id]

  conditions {
    display_name = "ERROR lines from the functions"
    condition_threshold {
      filter          = "resource.type=\"cloud_run_revision\" AND metric.type=\"logging.googleapis.com/user/${google_logging_metric.errors.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_SUM"
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Firestore, Pub/Sub or the chat channel failed while keep-alive ran, so the usual Telegram warning may not come. Open the status page; the README's troubleshooting table lists the log events."
  }
}

resource "google_monitoring_alert_policy" "keepalive_silent" {
  display_name          = "etrade-oauth: keep-alive has not finished a run for 45 minutes"
  combiner              = "OR"
  notification_channels = [for channel in google_monitoring_notification_channel.email : channel.id]

  conditions {
    display_name = "no ${local.keepalive_finished_event} lines"
    condition_absent {
      filter   = "resource.type=\"cloud_run_revision\" AND metric.type=\"logging.googleapis.com/user/${google_logging_metric.keepalive_runs.name}\""
      duration = local.keepalive_silence
      aggregations {
        alignment_period   = "900s"
        per_series_aligner = "ALIGN_SUM"
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The scheduler job etrade-oauth-keepalive is paused or failing, or keepAlive crashes before it finishes. Tokens go idle after 2 hours without a call."
  }
}
