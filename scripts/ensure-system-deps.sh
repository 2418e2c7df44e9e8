#!/usr/bin/env bash
# Installs what the test suite needs from Debian's packages (Chromium for the browser
# tests). Does nothing when it is present.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ecl-webrtc: installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "ecl-webrtc: the tests need: ${missing[*]}" >&2
  echo "  install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run npm test again" >&2
  exit 1
fi
