#!/bin/sh
# The browser tests drive Debian's Chromium (Playwright's own browser download does not work
# offline). Install it when missing and we are root; otherwise say what to run.
set -e
# WeasyPrint (PDF documents) needs Pango; Chromium brings it too, but say so.
have_pango() { ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so.0"; }
if command -v chromium >/dev/null 2>&1 && have_pango; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
	echo "Installing Debian's chromium (browser tests) and Pango (PDF documents)..."
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
	exit 0
fi
echo "The browser tests need Debian's Chromium, and PDF documents need Pango: run 'sudo apt-get install chromium libpango-1.0-0 libpangoft2-1.0-0', then 'make test' again." >&2
exit 1
