# Sourced by scripts/test: make .venv-bpy<version> for each Blender LTS in scripts/lts/
# and install the project there without its bpy pin. Needs find_python311 from
# _bootstrap.sh. Re-installs when a requirements file changes.
lts_venvs=()
for requirements in scripts/lts/bpy-*.txt; do
    version="$(basename "$requirements" .txt)"   # bpy-4.5
    venv=".venv-${version//[-.]/}"                # .venv-bpy45
    if [ ! -x "$venv/bin/python" ]; then
        "$(find_python311)" -m venv "$venv"
    fi
    stamp="$venv/.metastudio-installed"
    if [ ! -f "$stamp" ] || [ "$requirements" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ] ||
        [ scripts/data-requirements.txt -nt "$stamp" ]; then
        echo "Installing the $version tier into $venv" >&2
        "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
        "$venv/bin/python" -m pip install --quiet -r "$requirements" >&2
        "$venv/bin/python" -m pip install --quiet --no-deps -e . >&2
        "$venv/bin/python" -m pip install --quiet --no-deps -r scripts/data-requirements.txt >&2
        touch "$stamp"
    fi
    lts_venvs+=("$venv")
done
