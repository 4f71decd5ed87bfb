# One service account per function, granted only what that function uses (locals.functions).

resource "google_service_account" "function" {
  for_each     = local.functions
  account_id   = "eto-${lower(replace(each.key, "/([A-Z])/", "-$1"))}"
  display_name = "etrade-oauth ${each.key}"
}

locals {
  # [function, secret id, role] triples, flattened from the per-function needs (each once: a for_each
  # key may not repeat, and notify, auth and telegram share the login-link key).
  secret_grants = flatten([
    for name, f in local.functions : concat(
      [for s in local.function_config_secrets[name] : { fn = name, secret = s, role = "roles/secretmanager.secretAccessor" }],
      f.access ? [for s in values(local.access_secrets) : { fn = name, secret = s, role = "roles/secretmanager.secretAccessor" }] : [],
      f.access_write ? [for s in values(local.access_secrets) : { fn = name, secret = s, role = "roles/secretmanager.secretVersionManager" }] : [],
    )
  ])
  secret_ids = merge(
    { for s, secret in google_secret_manager_secret.config : s => secret.id },
    { for id, s in local.consumer_secrets : s => google_secret_manager_secret.consumer[id].id },
    { for id, s in local.access_secrets : s => google_secret_manager_secret.access[id].id },
  )
}

resource "google_secret_manager_secret_iam_member" "function" {
  for_each  = { for g in local.secret_grants : "${g.fn}/${g.secret}/${g.role}" => g }
  secret_id = local.secret_ids[each.value.secret]
  role      = each.value.role
  member    = "serviceAccount:${google_service_account.function[each.value.fn].email}"
}

# The ledger (Firestore) is every function's.
resource "google_project_iam_member" "firestore" {
  for_each = local.functions
  project  = var.project_id
  role     = "roles/datastore.user"
  member   = "serviceAccount:${google_service_account.function[each.key].email}"
}

resource "google_pubsub_topic_iam_member" "token_events_publisher" {
  for_each = { for name, f in local.functions : name => f if f.events }
  topic    = google_pubsub_topic.token_events.id
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:${google_service_account.function[each.key].email}"
}

resource "google_pubsub_topic_iam_member" "notices_publisher" {
  for_each = { for name, f in local.functions : name => f if f.outbox }
  topic    = google_pubsub_topic.notices.id
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:${google_service_account.function[each.key].email}"
}

# HTTP functions are public at the network level (Hosting rewrites and Telegram call them); every
# route checks a session, an API key or Telegram's webhook secret itself.
resource "google_cloud_run_service_iam_member" "public_http" {
  for_each = local.http_functions
  location = var.region
  service  = google_cloudfunctions2_function.function[each.key].service_config[0].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Eventarc delivers Pub/Sub ticks as the function's own service account.
resource "google_cloud_run_service_iam_member" "event_invoker" {
  for_each = local.event_functions
  location = var.region
  service  = google_cloudfunctions2_function.function[each.key].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.function[each.key].email}"
}
