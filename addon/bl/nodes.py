"""Node trees of materials and worlds across Blender versions."""

from __future__ import annotations


def ensure_node_tree(block) -> None:
    """Give a material or world its node tree. Blender 5.0+ always makes one and
    deprecates `use_nodes` (5.2 warns; 6.0 removes it); 4.x still needs it switched on."""
    if block.node_tree is None:
        block.use_nodes = True
