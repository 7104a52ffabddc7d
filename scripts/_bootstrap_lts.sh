# Sourced by scripts/test: make .venv-bpy<version> for each Blender tier in scripts/lts/
# (the LTS releases and the newest) and install the project there without its bpy pin.
# Needs find_python from _bootstrap.sh. Re-installs when a requirements file changes.
lts_venvs=()
lts_requirements=()
for requirements in scripts/lts/bpy-*.txt; do
    version="$(basename "$requirements" .txt)"   # bpy-4.5
    venv=".venv-${version//[-.]/}"                # .venv-bpy45
    # A tier names its Python on a line "# python: 3.13" (3.11 when it does not).
    want="$(sed -n 's/^# python: *\([0-9.]*\).*/\1/p' "$requirements")"
    want="${want:-3.11}"
    if [ ! -x "$venv/bin/python" ]; then
        py="$(find_python "$want")" || {
            echo "the $version tier needs Python $want (e.g. 'pyenv install $want'); it is" \
                 "skipped (or set METASTUDIO_LTS=0)" >&2
            continue
        }
        "$py" -m venv "$venv"
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
    lts_requirements+=("$requirements")
done
