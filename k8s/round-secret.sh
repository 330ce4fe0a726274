#!/bin/sh
# skaffold's render hook: makes k8s/base/round-secret.env (gitignored; kustomize turns it into
# Secret quiz-round-secret) once per cluster, and replaces one that is empty, too short or the
# example's. No openssl needed: 32 bytes of /dev/urandom through base64, both in every POSIX base.
# Finds the repo from its own path, so it works wherever skaffold was started.
set -eu
repo=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
file="$repo/k8s/base/round-secret.env"
minimum=32 # characters; the quiz refuses fewer than 16

current=$(sed -n 's/^ROUND_SECRET=//p' "$file" 2>/dev/null | head -n 1 || true)
if [ "${#current}" -ge "$minimum" ] && ! grep -qx "ROUND_SECRET=$current" "$repo/k8s/base/round-secret.env.example"; then
  exit 0
fi

secret=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
if [ "${#secret}" -lt "$minimum" ]; then
  echo "round-secret.sh: could not make a secret (needs /dev/urandom and base64)" >&2
  exit 1
fi
umask 077
printf 'ROUND_SECRET=%s\n' "$secret" >"$file.tmp"
mv "$file.tmp" "$file"
echo "round-secret.sh: made a new ROUND_SECRET in k8s/base/round-secret.env" >&2
