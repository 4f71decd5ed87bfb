# Secret containers only: values are added out of band (infra/bootstrap-secrets.sh) or, for token
# pairs, by exchangePin (one version per renewal, older versions disabled).

resource "google_secret_manager_secret" "config" {
  for_each  = toset(local.config_secrets)
  secret_id = each.value
  labels    = { app = "etrade-oauth" }

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret" "consumer" {
  for_each  = local.consumer_secrets
  secret_id = each.value
  labels    = { app = "etrade-oauth", connection = each.key }

  replication {
    auto {}
  }
}

resource "google_secret_manager_secret" "access" {
  for_each  = local.access_secrets
  secret_id = each.value
  labels    = { app = "etrade-oauth", connection = each.key }

  replication {
    auto {}
  }
}
