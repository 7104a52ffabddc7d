# Sourced by scripts/test: the avatar tests check the files with the clients they are
# made for, from npm (tests/web/package.json, pinned by its lock): Khronos's
# glTF-Validator and three.js with @pixiv/three-vrm (run in Chromium). Node comes from
# Debian when missing (as root, as CI runs); elsewhere the tests say how to get it.
if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's nodejs and npm for the avatar tests" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
    else
        echo "note: the avatar tests need 'apt-get install nodejs npm'" >&2
    fi
fi
web="$root/tests/web"
if command -v npm >/dev/null 2>&1 &&
    { [ ! -f "$web/node_modules/.installed" ] ||
      [ "$web/package-lock.json" -nt "$web/node_modules/.installed" ]; }; then
    echo "Installing the avatar tests' npm clients into tests/web/node_modules" >&2
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >&2) &&
        touch "$web/node_modules/.installed"
fi
