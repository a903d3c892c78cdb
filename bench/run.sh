#!/usr/bin/env bash
# Benchmarks mocksrv against its peers on this machine, in one run:
# a bare net/http server returning the same bytes, stripe-mock, Stoplight
# Prism and WireMock, driven by wrk on loopback for fixed durations.
#
#   bench/run.sh                          # installs what is missing, then measures
#   DURATION=20s ROUNDS=5 bench/run.sh    # longer runs
#   PROVIDERS="keysecure uqpay" bench/run.sh
#   PORT=18400 bench/run.sh               # the five servers listen on PORT..PORT+4
#
# Installs (when missing): wrk from Debian (apt-get), stripe-mock
# (go install), @stoplight/prism-cli and wiremock (npm, into bench/.npm;
# WireMock needs a Java runtime). A peer that cannot be installed is
# reported as skipped, never guessed. Writes bench/results-<provider>.md.
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
  # npm init would name the package after the directory, and ".npm" is not a valid name.
  [ -f bench/.npm/package.json ] || echo '{"name":"mocksrv-bench-peers","private":true}' > bench/.npm/package.json
  (cd bench/.npm && npm install --no-audit --no-fund @stoplight/prism-cli wiremock >/dev/null) || echo "npm peers: install failed, skipped"
fi
go build -o "$out/mocksrv" ./cmd/mocksrv
go build -o "$out/bare" ./bench/bare
for p in ${PROVIDERS:-keysecure uqpay}; do
  go run ./bench/peers -provider "$p" -mocksrv "$out/mocksrv" -bare "$out/bare" -npm bench/.npm \
    -port "${PORT:-18400}" -duration "${DURATION:-10s}" -rounds "${ROUNDS:-3}" -markdown "bench/results-$p.md"
done
