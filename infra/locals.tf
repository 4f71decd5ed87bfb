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
  #   outbox:   queues notices for the notices function (NOTICES_TOPIC) instead of sending them itself
  #   telegram: answers bot commands (webhook secret); the webhook also exchanges codes pasted into the
  #             chat (the PIN exchange's needs: consumer, access_write, events, outbox)
  # `concurrency`: requests one instance serves at once (max_instance_request_concurrency). At 1 vCPU
  # (functions.tf) an HTTP instance takes several at once, so a page's status poll arriving beside
  # another call does not start a second, cold instance; the Pub/Sub-driven runs stay one at a time.
  functions = {
    requestToken    = { entry_point = "requestToken", trigger = "http", concurrency = 8, auth = true, notify = false, consumer = true, access = false, access_write = false, events = false, outbox = false, telegram = false }
    exchangePin     = { entry_point = "exchangePin", trigger = "http", concurrency = 8, auth = true, notify = true, consumer = true, access = true, access_write = true, events = true, outbox = true, telegram = false }
    status          = { entry_point = "status", trigger = "http", concurrency = 8, auth = true, notify = false, consumer = false, access = false, access_write = false, events = false, outbox = false, telegram = false }
    actions         = { entry_point = "actions", trigger = "http", concurrency = 8, auth = true, notify = true, consumer = true, access = true, access_write = false, events = true, outbox = false, telegram = false }
    keepAlive       = { entry_point = "keepAlive", trigger = "keepalive_tick", concurrency = 1, auth = false, notify = true, consumer = true, access = true, access_write = false, events = true, outbox = false, telegram = false }
    telegramWebhook = { entry_point = "telegramWebhook", trigger = "http", concurrency = 8, auth = false, notify = true, consumer = true, access = true, access_write = true, events = true, outbox = true, telegram = true }
    morningAlert    = { entry_point = "morningAlert", trigger = "morning_tick", concurrency = 1, auth = false, notify = true, consumer = false, access = false, access_write = false, events = false, outbox = false, telegram = false }
    notices         = { entry_point = "notices", trigger = "notices", concurrency = 1, auth = false, notify = true, consumer = false, access = false, access_write = false, events = false, outbox = false, telegram = false }
  }

  # The configuration secrets behind each need (the code's reads: shared/auth, shared/notify,
  # shared/api/telegramRoutes.ts); `consumer` adds every connection's consumer secret.
  need_secrets = {
    auth     = [local.login_link_key_secret, local.api_key_hash_secret]
    notify   = [local.login_link_key_secret, local.telegram_bot_secret, local.slack_webhook_secret]
    telegram = [local.telegram_webhook_secret, local.telegram_bot_secret, local.login_link_key_secret]
  }
  # Every configuration secret a function reads: granted (iam.tf) and mounted (functions.tf). Token
  # pairs are not among them: a new version every day, read from Secret Manager at run time.
  function_config_secrets = {
    for name, f in local.functions : name => distinct(concat(
      f.auth ? local.need_secrets.auth : [],
      f.notify ? local.need_secrets.notify : [],
      f.telegram ? local.need_secrets.telegram : [],
      f.consumer ? values(local.consumer_secrets) : [],
    ))
  }
  # Mounted as environment variables, which Cloud Functions resolves from `latest` when an instance
  # starts; an instance does not start while a mounted secret has no enabled version, so the Slack URL
  # (added only with SLACK=1) is mounted only when Slack is on.
  mounted_secrets = {
    for name, secrets in local.function_config_secrets : name => [
      for s in secrets : s if var.slack_enabled || s != local.slack_webhook_secret
    ]
  }

  # Environment of one function only. exchangePin loads all three Google clients and telegraf: with
  # V8's young generation capped at 4 MiB (default 16) its peak resident set stays under 128 MiB, for
  # 1-4% of its cold start (bench/coldStart.ts, README "Performance"); the others are under as they are.
  # status is the one function meant to take load (bench/statusLoad.ts): uncapped, V8 lets the heap grow
  # to over 200 MiB of resident set before collecting, around a live heap of 24-26 MiB (1 to 128
  # connections). Old space capped at 64 MiB and the young generation at 4 MiB: 104-111 MiB peak under
  # load, still over half a hello-world's throughput. 80, 96 and 128 MiB of old space measured the same
  # (V8 collects at about 40-48 MiB of heap whatever the cap); 64 keeps 2.5x the live heap free and
  # still bounds the process near 128 MiB (about 135) if the heap ever fills.
  function_env_extra = {
    exchangePin = { NODE_OPTIONS = "--max-semi-space-size=4" }
    status      = { NODE_OPTIONS = "--max-old-space-size=64 --max-semi-space-size=4" }
  }

  http_functions  = { for name, f in local.functions : name => f if f.trigger == "http" }
  event_functions = { for name, f in local.functions : name => f if f.trigger != "http" }

  function_env = {
    USE_GCP              = "1"
    NODE_ENV             = "production"
    GOOGLE_CLOUD_PROJECT = var.project_id
    TOKEN_EVENTS_TOPIC   = google_pubsub_topic.token_events.name
    NOTICES_TOPIC        = google_pubsub_topic.notices.name
    # A sign-in starts status and the PIN flow's functions, the morning reminder the sign-in's, through
    # the page's host (shared/app/warmUp.ts; docs/performance.md measures what it saves).
    WARM_UP          = "1"
    PAGE_URL         = local.page_url
    TELEGRAM_CHAT_ID = var.telegram_chat_id
    # Empty: anyone in the chat may send commands and codes.
    TELEGRAM_ALLOWED_USER_IDS = join(",", var.telegram_allowed_user_ids)
    SLACK_ENABLED             = var.slack_enabled ? "1" : "0"
    KEEPALIVE_LEAD_MINUTES    = tostring(var.keepalive_lead_minutes)
    # Not read by the code: bumping it rolls a new revision, whose instances read the secrets' `latest`.
    CONFIG_SECRETS_GENERATION = tostring(var.config_secrets_generation)
    ETRADE_CONNECTIONS = jsonencode([for c in var.connections : merge(
      { id = c.id, environment = c.environment },
      c.label == null ? {} : { label = c.label },
      c.consumer_key_created_at == null ? {} : { consumerKeyCreatedAt = c.consumer_key_created_at },
    )])
  }
}
