resource "google_firestore_database" "default" {
  name        = "(default)"
  location_id = var.region
  type        = "FIRESTORE_NATIVE"
}

# Pending PIN flows (5-minute request tokens, kept an hour past that so a late code is answered "the
# window closed") and once-per-day markers expire by TTL on expireAt
# (shared/adapters/gcp/firestoreTokenLedger.ts writes it).
resource "google_firestore_field" "pin_flows_ttl" {
  database   = google_firestore_database.default.name
  collection = "pinFlows"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}

resource "google_firestore_field" "markers_ttl" {
  database   = google_firestore_database.default.name
  collection = "markers"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}

# Chat alerts with renew buttons, remembered for editing once renewed: gone when their buttons are.
resource "google_firestore_field" "chat_alerts_ttl" {
  database   = google_firestore_database.default.name
  collection = "chatAlerts"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}
