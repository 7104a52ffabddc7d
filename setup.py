"""Package discovery for pyproject.toml (everything else is there): the repository keeps
the design's folder names (addon/, farm/) while the installed packages are prefixed
(metastudio, metastudio_farm), which pyproject's `packages.find` cannot map; so every
package under each folder is found here, and a new subpackage is never left out of the
wheel (tests/core/test_wheel.py builds one and checks)."""

from setuptools import find_packages, setup


def packages_under(folder: str, name: str) -> list[str]:
    """`name` and each package found in `folder`, named under `name`."""
    return [name] + [f"{name}.{found}" for found in find_packages(folder)]


setup(packages=packages_under("addon", "metastudio") + packages_under("farm", "metastudio_farm"))
