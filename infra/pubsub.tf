# Cloud Scheduler publishes ticks; the event functions subscribe through Eventarc.
resource "google_pubsub_topic" "keepalive_tick" {
  name = "etrade-oauth-keepalive-tick"
}

resource "google_pubsub_topic" "morning_tick" {
  name = "etrade-oauth-morning-tick"
}

# token.renewed / token.expired / keepalive.* for the trading system; never token material.
resource "google_pubsub_topic" "token_events" {
  name = "etrade-oauth-token-events"
}

# Notices queued by a function that must not wait on a chat channel (exchangePin's "token renewed");
# the notices function delivers them, and Pub/Sub redelivers until a channel has taken each.
resource "google_pubsub_topic" "notices" {
  name = "etrade-oauth-notices"
}
