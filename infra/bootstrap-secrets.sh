#!/usr/bin/env bash
# Adds the first version of each configuration secret (Terraform creates the empty secrets).
# Values are read from the terminal or stdin, never from arguments (they would land in shell history).
# Usage: infra/bootstrap-secrets.sh <project-id> [connection ...]   (default connections: prod sandbox)
set -euo pipefail
project="${1:?usage: infra/bootstrap-secrets.sh <project-id> [connection ...]}"
shift
if [ "$#" -gt 0 ]; then connections=("$@"); else connections=(prod sandbox); fi

add() { # secret-id, value on stdin
  gcloud secrets versions add "$1" --project "$project" --data-file=- >/dev/null
  echo "added a version to $1"
}
ask() { # prompt → value without echo
  local value
  read -r -s -p "$1: " value
  echo >&2
  printf '%s' "$value"
}

# A random login-link key: signs sign-in links, sessions and CSRF tokens.
head -c 32 /dev/urandom | base64 | tr -d '\n' | add etrade-oauth-login-link-key

# The API key for machine clients: shown once here, only its SHA-256 is stored.
api_key="eto_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
printf '%s' "$api_key" | sha256sum | cut -d' ' -f1 | tr -d '\n' | add etrade-oauth-api-key-hash
echo "API key for the trading system and the CLI (store it now; it is not shown again): $api_key"

for id in "${connections[@]}"; do
  key="$(ask "E*TRADE consumer key for ${id}")"
  secret="$(ask "E*TRADE consumer secret for ${id}")"
  printf '{"key":"%s","secret":"%s"}' "$key" "$secret" | add "etrade-oauth-${id}-consumer"
done

ask "Telegram bot token (from @BotFather)" | add etrade-oauth-telegram-bot-token
webhook_secret="$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
printf '%s' "$webhook_secret" | add etrade-oauth-telegram-webhook-secret
echo "Telegram webhook secret (pass it as secret_token to setWebhook, see README): $webhook_secret"
if [ "${SLACK:-0}" = "1" ]; then
  ask "Slack incoming webhook URL" | add etrade-oauth-slack-webhook-url
fi
