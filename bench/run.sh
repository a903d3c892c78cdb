#!/usr/bin/env bash
# Benchmarks mocksrv against its peers on this machine, in one run:
# a bare net/http server returning the same bytes, stripe-mock, Stoplight
# Prism and WireMock, driven by wrk on loopback for fixed durations.
#
#   bench/run.sh                 # installs what is missing, then measures
#   DURATION=20s bench/run.sh    # longer runs
#
# Installs (when missing): wrk from Debian (apt-get), stripe-mock
# (go install), @stoplight/prism-cli and wiremock (npm, into bench/.npm;
# WireMock needs a Java runtime). Writes bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/.build
mkdir -p "$out" bench/.npm
if ! command -v wrk >/dev/null; then
  if command -v apt-get >/dev/null; then (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null; else echo "install wrk first" >&2; exit 1; fi
fi
export PATH="$PATH:$(go env GOPATH)/bin"
command -v stripe-mock >/dev/null || go install github.com/stripe/stripe-mock@latest || echo "stripe-mock: install failed, skipped"
if command -v npm >/dev/null && [ ! -x bench/.npm/node_modules/.bin/prism ]; then
  (cd bench/.npm && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund @stoplight/prism-cli wiremock >/dev/null) || echo "npm peers: install failed, skipped"
fi
go build -o "$out/mocksrv" ./cmd/mocksrv
go build -o "$out/bare" ./bench/bare
go run ./bench/peers -mocksrv "$out/mocksrv" -bare "$out/bare" -npm bench/.npm \
  -duration "${DURATION:-10s}" -markdown bench/results.md
