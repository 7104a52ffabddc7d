# Sourced by scripts/demo and scripts/test: make .venv with Python 3.13 (bpy 5.2.3, Blender
# 5.2 LTS) and install the project into it, once; make the tracking models. Re-installs
# when pyproject.toml changes.
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

if [ ! -x .venv/bin/python ]; then
    py="$(find_python 3.13)" || {
        echo "metastudio needs Python 3.13 (bpy 5.2.3, Blender 5.2's, exists only for it):" \
             "install it (e.g. 'pyenv install 3.13') and retry." >&2
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

# The tracking models: Tasks bundles made from the models in MediaPipe 0.10.21's wheel,
# which is downloaded (any platform's: only its model files are read, each checked by
# its sha256) and kept in build/wheels/legacy. See addon/core/tracking/bundles.py.
models="addon/core/tracking/models"
if [ ! -f "$models/.made" ] || [ addon/core/tracking/bundles.py -nt "$models/.made" ]; then
    echo "Making the tracking models in $models" >&2
    .venv/bin/python -m pip download --quiet --no-deps --only-binary=:all: \
        --python-version 3.11 --implementation cp --platform manylinux_2_28_x86_64 \
        --dest build/wheels/legacy mediapipe==0.10.21 >&2
    .venv/bin/python -m metastudio.core.tracking.bundles \
        --wheel build/wheels/legacy/mediapipe-0.10.21-*.whl >&2
    touch "$models/.made"
fi
export PATH="$root/.venv/bin:$PATH"
