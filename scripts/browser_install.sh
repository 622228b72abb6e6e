#!/bin/sh
# Debian's Chromium for the browser tests (Playwright drives it; `playwright install` downloads are not used).
# Idempotent: does nothing when chromium is already on the PATH.
set -e
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
