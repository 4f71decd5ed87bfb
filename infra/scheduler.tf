# Every schedule runs on New York time: E*TRADE's day and the NYSE's both do.

resource "google_cloud_scheduler_job" "keepalive" {
  name        = "etrade-oauth-keepalive"
  description = "Keep every live E*TRADE token active."
  schedule    = "*/15 * * * *"
  time_zone   = "America/New_York"

  pubsub_target {
    topic_name = google_pubsub_topic.keepalive_tick.id
    data       = base64encode(jsonencode({ force = false }))
  }
}

resource "google_cloud_scheduler_job" "morning_alert" {
  name        = "etrade-oauth-morning-alert"
  description = "Renewal reminder one hour before the NYSE open (the function skips holidays)."
  schedule    = "30 8 * * 1-5"
  time_zone   = "America/New_York"

  pubsub_target {
    topic_name = google_pubsub_topic.morning_tick.id
    data       = base64encode(jsonencode({ stage = "reminder" }))
  }
}

resource "google_cloud_scheduler_job" "morning_escalation" {
  name        = "etrade-oauth-morning-escalation"
  description = "Louder reminder 15 minutes before the open if prod is still not renewed."
  schedule    = "15 9 * * 1-5"
  time_zone   = "America/New_York"

  pubsub_target {
    topic_name = google_pubsub_topic.morning_tick.id
    data       = base64encode(jsonencode({ stage = "escalation" }))
  }
}
