"""Which trees grow in a world: the species a description names (a closed vocabulary of
species names, English and Korean, as for hair colours: a name is a name), else those of
its land."""

from __future__ import annotations

import re

from .trees import SPECIES

# Species names as people write them; Korean ones match inside a word (소나무가, 소나무숲).
NAMES: dict[str, tuple[str, ...]] = {
    "pine": ("pine", "pines", "소나무", "솔숲", "송림", "솔밭"),
    "spruce": ("spruce", "spruces", "가문비"),
    "fir": ("fir", "firs", "전나무"),
    "oak": ("oak", "oaks", "참나무", "떡갈나무", "상수리나무"),
    "maple": ("maple", "maples", "단풍나무"),
    "birch": ("birch", "birches", "자작나무"),
    "willow": ("willow", "willows", "버드나무", "수양버들"),
    "palm": ("palm", "palms", "야자", "종려"),
}
GROUPS = {"conifer": ("spruce", "fir", "pine"), "conifers": ("spruce", "fir", "pine"),
          "evergreen": ("spruce", "fir", "pine"), "evergreens": ("spruce", "fir", "pine"),
          "침엽수": ("spruce", "fir", "pine"), "활엽수": ("oak", "maple", "birch")}
# The trees of each land when none are named: (species, share of the trees).
BY_BIOME: dict[str, tuple[tuple[str, float], ...]] = {
    "forest": (("spruce", 0.35), ("pine", 0.25), ("oak", 0.2), ("birch", 0.2)),
    "grassland": (("oak", 0.6), ("maple", 0.4)),
    "mountains": (("spruce", 0.6), ("fir", 0.4)),
    "snowfield": (("spruce", 1.0),),
    "coast": (("pine", 1.0),),
    "wetland": (("willow", 0.6), ("birch", 0.4)),
}
assert set(NAMES) <= set(SPECIES)


def named_species(text: str) -> tuple[str, ...]:
    """The species a description names, in the order first named."""
    lowered = text.lower()
    words = re.findall(r"[a-z]+", lowered)
    found: list[str] = []
    for word in words:
        for species in GROUPS.get(word, ()) + tuple(
                s for s, names in NAMES.items() if word in names):
            if species not in found:
                found.append(species)
    korean = sorted((text.find(name), (species,)) for species, names in NAMES.items()
                    for name in names if not name.isascii() and name in text)
    korean += sorted((text.find(group), members) for group, members in GROUPS.items()
                     if not group.isascii() and group in text)
    for _, members in sorted(korean):
        found += [m for m in members if m not in found]
    return tuple(found)


def land_species(biome: str) -> list[str]:
    """The species of a land when none are named."""
    return [species for species, _ in BY_BIOME.get(biome, ())]


def tree_mix(biome: str, named: tuple[str, ...] | None = None
             ) -> tuple[tuple[str, float], ...]:
    """The trees to plant and their shares: the land's own (None, or the same species),
    else the named species alike (none: no trees)."""
    own = BY_BIOME.get(biome, ())
    if named is None or set(named) == {species for species, _ in own}:
        return own
    return tuple((species, 1.0 / len(named)) for species in named)
