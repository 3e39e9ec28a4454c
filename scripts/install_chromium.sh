#!/usr/bin/env bash
# Install Debian's chromium for the headless report test (tests/test_report_html.py) and
# scripts/screenshot_report.py. Idempotent: does nothing when /usr/bin/chromium already exists,
# and only prints a message (exit 0) when it cannot install (not root, or no apt-get).
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "chromium already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_chromium: apt-get not found; install Chromium with your system's package manager." >&2
    echo "install_chromium: the HTML report test skips while $CHROMIUM is absent." >&2
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install_chromium: not running as root; run 'sudo $0' (or: sudo apt-get install -y chromium)." >&2
    echo "install_chromium: the HTML report test skips while $CHROMIUM is absent." >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# A failed install (registry unreachable) must not fail the whole test run: the browser test then
# reports that Chromium is absent.
if apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core; then
    echo "chromium installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
else
    echo "install_chromium: apt-get could not install chromium; the HTML report test will skip." >&2
fi
