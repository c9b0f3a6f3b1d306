#!/usr/bin/env bash
# Install the Debian packages the build and the tests need. Idempotent: it
# installs only what is missing, so `make test` can call it every time.
#   chromium          browser tests (Playwright drives /usr/bin/chromium)
#   poppler-utils     pdftotext / pdffonts / pdftoppm for checking the PDF
#   fonts-noto-cjk    CJK fallback of the PDF (□ and rare characters) and of Chromium
#   libreoffice-writer-nogui  opens the generated DOCX in tests
#   default-jre-headless      runs the W3C Nu HTML Checker (vnu.jar)
#   libpango-1.0-0 libpangoft2-1.0-0  WeasyPrint's text layout
#   faketime          runs a build under a faked clock (tests/test_deterministic.py)
#   fonts-noto-color-emoji  emoji typed into data/ appear in the PDF instead of empty boxes
# and the Fandol fonts (仿宋 / 黑体 / 宋体, simplified Chinese forms) the PDF is set in:
# Debian ships them only inside texlive-lang-chinese, so that package is
# downloaded (not installed: no TeX) and only its OTF files and licence are
# unpacked into $FANDOL_DIR.
set -euo pipefail
packages=(chromium poppler-utils fonts-noto-cjk libreoffice-writer-nogui default-jre-headless
          libpango-1.0-0 libpangoft2-1.0-0 fontconfig faketime
          fonts-noto-color-emoji)
FANDOL_DIR=/usr/local/share/fonts/fandol
FANDOL_FILES=(FandolFang-Regular.otf FandolHei-Regular.otf FandolSong-Regular.otf FandolSong-Bold.otf)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
fandol_missing=0
for f in "${FANDOL_FILES[@]}"; do
  [ -f "$FANDOL_DIR/$f" ] || fandol_missing=1
done
if [ ${#missing[@]} -eq 0 ] && [ "$fandol_missing" -eq 0 ]; then
  exit 0
fi
$SUDO apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ "$fandol_missing" -eq 1 ]; then
  echo "Unpacking the Fandol fonts from texlive-lang-chinese into $FANDOL_DIR"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  chmod 755 "$work"  # apt's sandbox user must be able to write the .deb here
  (cd "$work" && apt-get download -qq texlive-lang-chinese)
  dpkg-deb -x "$work"/texlive-lang-chinese_*.deb "$work/x"
  src="$work/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
  doc="$work/x/usr/share/doc/texlive-doc/fonts/fandol"
  $SUDO mkdir -p "$FANDOL_DIR"
  for f in "${FANDOL_FILES[@]}"; do
    $SUDO install -m 644 "$src/$f" "$FANDOL_DIR/$f"
  done
  # GPL v3 with the GPL font exception (README); the licence travels with the fonts.
  $SUDO install -m 644 "$doc/README" "$FANDOL_DIR/README"
  zcat "$doc/COPYING.gz" | $SUDO tee "$FANDOL_DIR/COPYING" >/dev/null
  $SUDO fc-cache -f "$FANDOL_DIR"
fi
