#!/usr/bin/env bash
# Builds the functions and the page, then deploys: Terraform for everything in GCP, Firebase for the
# page's content. Usage: infra/deploy.sh <project-id>   (terraform.tfvars holds the other variables)
set -euo pipefail
project="${1:?usage: infra/deploy.sh <project-id>}"
cd "$(dirname "$0")/.."

npm ci
npm run build
npm run build:web

# Cloud Functions installs production dependencies itself; it needs the manifest and the build.
mkdir -p .deploy
rm -f .deploy/source.zip
zip -qr .deploy/source.zip package.json package-lock.json dist/functions dist/shared

terraform -chdir=infra init -input=false
# The APIs first: on a fresh project the other resources cannot even be planned without them.
terraform -chdir=infra apply -var "project_id=${project}" -target=google_project_service.required
terraform -chdir=infra apply -var "project_id=${project}"

firebase deploy --only hosting --project "${project}"
