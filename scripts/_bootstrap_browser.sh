# Sourced by scripts/test: the dashboard's test drives Debian's Chromium through
# chromium-driver. Installed here when missing (as root, as CI runs); elsewhere the
# test says how to install them and is skipped.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's chromium and chromium-driver for the dashboard test" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >&2
    else
        echo "note: the dashboard test needs 'apt-get install chromium chromium-driver'" >&2
    fi
fi
