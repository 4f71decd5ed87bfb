resource "google_firestore_database" "default" {
  name        = "(default)"
  location_id = var.region
  type        = "FIRESTORE_NATIVE"
}

# Pending PIN flows (5-minute request tokens) and once-per-day markers expire by TTL on expireAt
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
