#!/usr/bin/env bash
# Builds the functions and the page, then deploys: Terraform for everything in GCP, Firebase for the
# page's content. Usage: infra/deploy.sh <project-id>   (terraform.tfvars holds the other variables)
set -euo pipefail
project="${1:?usage: infra/deploy.sh <project-id>}"
cd "$(dirname "$0")/.."

npm ci
npm run build
npm run build:web

# One bundle per function, the loader as the package's main, and the code-cache trainer as its
# gcp-build script (infra/bundle.mjs; Cloud Functions installs the dependencies itself and runs
# gcp-build with the instances' own Node, so each function's V8 code cache is made there).
node infra/bundle.mjs --out .deploy/app
rm -f .deploy/source.zip
(cd .deploy/app && zip -qr ../source.zip package.json package-lock.json bundle)

terraform -chdir=infra init -input=false
# The APIs first: on a fresh project the other resources cannot even be planned without them.
terraform -chdir=infra apply -var "project_id=${project}" -target=google_project_service.required

# The functions mount their configuration secrets as environment variables (infra/functions.tf), and an
# instance does not start while one has no enabled version: create the secrets, check they are filled.
terraform -chdir=infra apply -var "project_id=${project}" \
  -target=google_secret_manager_secret.config -target=google_secret_manager_secret.consumer
slack=0
grep -Eq '^[[:space:]]*slack_enabled[[:space:]]*=[[:space:]]*true' infra/terraform.tfvars 2>/dev/null && slack=1
empty=()
for secret in $(gcloud secrets list --project "$project" --filter='labels.app=etrade-oauth' --format='value(name.basename())'); do
  case "$secret" in
    *-access) continue ;; # token pairs: exchangePin adds their versions
    etrade-oauth-slack-webhook-url) [ "$slack" = 1 ] || continue ;;
  esac
  enabled="$(gcloud secrets versions list "$secret" --project "$project" --filter='state=ENABLED' --limit=1 --format='value(name)')"
  [ -n "$enabled" ] || empty+=("$secret")
done
if [ "${#empty[@]}" -gt 0 ]; then
  echo "no enabled version yet: ${empty[*]}" >&2
  echo "run infra/bootstrap-secrets.sh ${project} (SLACK=1 with Slack), then this script again" >&2
  exit 1
fi

terraform -chdir=infra apply -var "project_id=${project}"

firebase deploy --only hosting --project "${project}"
