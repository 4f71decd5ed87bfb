locals {
  page_url = "https://${var.hosting_site_id}.web.app"

  connection_ids = [for c in var.connections : c.id]

  # Secret ids the code reads (shared/ports/secretReader.ts, shared/ports/secretVault.ts,
  # shared/config/connections.ts); the infra test checks this list against the code.
  login_link_key_secret   = "etrade-oauth-login-link-key"
  api_key_hash_secret     = "etrade-oauth-api-key-hash"
  telegram_bot_secret     = "etrade-oauth-telegram-bot-token"
  telegram_webhook_secret = "etrade-oauth-telegram-webhook-secret"
  slack_webhook_secret    = "etrade-oauth-slack-webhook-url"
  consumer_secrets        = { for id in local.connection_ids : id => "etrade-oauth-${id}-consumer" }
  access_secrets          = { for id in local.connection_ids : id => "etrade-oauth-${id}-access" }

  config_secrets = [
    local.login_link_key_secret,
    local.api_key_hash_secret,
    local.telegram_bot_secret,
    local.telegram_webhook_secret,
    local.slack_webhook_secret,
  ]

  # What each function may touch: least privilege per service account.
  #   auth:     verifies sessions and API keys (every HTTP function)
  #   notify:   sends alerts with sign-in links
  #   consumer: signs E*TRADE calls
  #   access:   reads token pairs; access_write also adds and disables versions
  #   events:   publishes token events
  #   telegram: answers bot commands (webhook secret)
  functions = {
    requestToken    = { entry_point = "requestToken", trigger = "http", auth = true, notify = false, consumer = true, access = false, access_write = false, events = false, telegram = false }
    exchangePin     = { entry_point = "exchangePin", trigger = "http", auth = true, notify = true, consumer = true, access = true, access_write = true, events = true, telegram = false }
    status          = { entry_point = "status", trigger = "http", auth = true, notify = false, consumer = false, access = false, access_write = false, events = false, telegram = false }
    actions         = { entry_point = "actions", trigger = "http", auth = true, notify = true, consumer = true, access = true, access_write = false, events = true, telegram = false }
    keepAlive       = { entry_point = "keepAlive", trigger = "keepalive_tick", auth = false, notify = true, consumer = true, access = true, access_write = false, events = true, telegram = false }
    telegramWebhook = { entry_point = "telegramWebhook", trigger = "http", auth = false, notify = true, consumer = false, access = false, access_write = false, events = false, telegram = true }
    morningAlert    = { entry_point = "morningAlert", trigger = "morning_tick", auth = false, notify = true, consumer = false, access = false, access_write = false, events = false, telegram = false }
  }

  http_functions  = { for name, f in local.functions : name => f if f.trigger == "http" }
  event_functions = { for name, f in local.functions : name => f if f.trigger != "http" }

  function_env = {
    USE_GCP                = "1"
    NODE_ENV               = "production"
    GOOGLE_CLOUD_PROJECT   = var.project_id
    TOKEN_EVENTS_TOPIC     = google_pubsub_topic.token_events.name
    PAGE_URL               = local.page_url
    TELEGRAM_CHAT_ID       = var.telegram_chat_id
    SLACK_ENABLED          = var.slack_enabled ? "1" : "0"
    KEEPALIVE_LEAD_MINUTES = tostring(var.keepalive_lead_minutes)
    ETRADE_CONNECTIONS = jsonencode([for c in var.connections : merge(
      { id = c.id, environment = c.environment },
      c.label == null ? {} : { label = c.label },
      c.consumer_key_created_at == null ? {} : { consumerKeyCreatedAt = c.consumer_key_created_at },
    )])
  }
}
