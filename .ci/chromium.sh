#!/usr/bin/env bash
# Chromium for the HTML report's browser test (docs/simulation-and-diff.md#html-report).
# Called by .ci/run as
#   eval "$(.ci/chromium.sh)"
# Installs Debian's chromium from apt when missing (playwright-core drives it; its own
# browser download is not used) and prints ONE line on stdout:
#   export OFFEROPS_TEST_CHROMIUM=/usr/bin/chromium
# Everything else goes to stderr. Idempotent: running it again reuses what exists.
set -euo pipefail

log() { echo "chromium.sh: $*" >&2; }

find_chromium() {
  for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

{
  if ! find_chromium >/dev/null; then
    log "installing chromium from apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium
  fi
  BROWSER="$(find_chromium)"
  # Fails here, not in the tests, when the browser cannot start at all.
  "$BROWSER" --headless=new --no-sandbox --disable-gpu --dump-dom about:blank >/dev/null 2>&1 || { log "$BROWSER does not start"; exit 1; }
  log "using $BROWSER"
} >&2

echo "export OFFEROPS_TEST_CHROMIUM=$(find_chromium)"
