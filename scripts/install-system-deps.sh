#!/usr/bin/env bash
# Debian packages the tests use: poppler-utils (pdftotext, pdftoppm), qpdf, PostgreSQL, chromium.
# Installs only what is missing (needs root, as on the project's machines).
set -euo pipefail
need=()
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v qpdf >/dev/null || need+=(qpdf)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
if ((${#need[@]})); then
  echo "== apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Browser tests (test/web.e2e.test.ts): Debian's chromium, driven by playwright-core.
if ! command -v chromium >/dev/null; then
  echo "== apt-get install chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# A CJK font, so that the browser test's screenshots show Chinese text.
if ! fc-list 2>/dev/null | grep -qi 'cjk\|wqy\|hans'; then
  echo "== apt-get install fonts-noto-cjk"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null
fi
