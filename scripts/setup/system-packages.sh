#!/usr/bin/env bash
# Install the Debian packages the build and the tests need. Idempotent: it
# installs only what is missing, so `make test` can call it every time.
#   chromium          browser tests (Playwright drives /usr/bin/chromium)
#   poppler-utils     pdftotext / pdffonts / pdftoppm for checking the PDF
#   fonts-noto-cjk    the CJK font the PDF is set in (and Chromium's CJK fallback)
#   libreoffice-writer-nogui  opens the generated DOCX in tests
#   default-jre-headless      runs the W3C Nu HTML Checker (vnu.jar)
#   libpango-1.0-0 libpangoft2-1.0-0  WeasyPrint's text layout
#   faketime          runs a build under a faked clock (tests/test_deterministic.py)
#   fonts-noto-color-emoji  emoji typed into data/ appear in the PDF instead of empty boxes
set -euo pipefail
packages=(chromium poppler-utils fonts-noto-cjk libreoffice-writer-nogui default-jre-headless
          libpango-1.0-0 libpangoft2-1.0-0 fontconfig faketime
          fonts-noto-color-emoji)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
