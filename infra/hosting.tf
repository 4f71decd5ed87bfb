# The site; its content (hosting/dist) is deployed with `firebase deploy --only hosting`.
resource "google_firebase_hosting_site" "page" {
  provider = google-beta
  site_id  = var.hosting_site_id
}
