#!/bin/sh
# System packages the tests need: a headless Chromium (and its driver) for the web
# page's browser tests, and a Chinese font so the page renders (and screenshots show
# text, not boxes). Idempotent: installs only what is missing; quiet.
set -e
PKGS=""
command -v chromium >/dev/null 2>&1 || PKGS="$PKGS chromium"
command -v chromedriver >/dev/null 2>&1 || PKGS="$PKGS chromium-driver"
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    PKGS="$PKGS fonts-wqy-microhei"
fi
[ -z "$PKGS" ] && exit 0
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-system-deps: not root and no sudo; please install:$PKGS (the browser tests skip without chromium)" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $PKGS >/dev/null 2>&1 || \
    $SUDO apt-get install -y -qq --no-install-recommends $PKGS >/dev/null
