"""Node trees of materials and worlds across Blender versions."""

from __future__ import annotations


def ensure_node_tree(block) -> None:
    """Give a material or world its node tree. Blender 5.0+ always makes one and
    deprecates `use_nodes` (5.2 warns; 6.0 removes it); 4.x still needs it switched on."""
    if block.node_tree is None:
        block.use_nodes = True


def new_node(nodes, kind: str, **inputs):
    """A node of `kind` with inputs set by name (an underscore for a space: Brick_Width)."""
    node = nodes.new(kind)
    for name, value in inputs.items():
        node.inputs[name.replace("_", " ")].default_value = value
    return node


def new_material(name: str, roughness: float):
    """A new material with its node tree: (material, nodes, links, Principled BSDF)."""
    import bpy

    material = bpy.data.materials.new(name)
    ensure_node_tree(material)
    nodes = material.node_tree.nodes
    bsdf = nodes["Principled BSDF"]
    bsdf.inputs["Roughness"].default_value = roughness
    return material, nodes, material.node_tree.links, bsdf


def multiply_by_noise(tree, colour, vector, scale: float, low: float, high: float,
                      detail: float | None = None):
    """The output socket of `colour` (an RGBA value or a socket) multiplied by a noise
    texture at `vector` mapped to [low, high]: soft variation (dye, skin mottling,
    iris fibres) without an image."""
    nodes, links = tree.nodes, tree.links
    noise = nodes.new("ShaderNodeTexNoise")
    noise.inputs["Scale"].default_value = scale
    if detail is not None:
        noise.inputs["Detail"].default_value = detail
    links.new(vector, noise.inputs["Vector"])
    spread = nodes.new("ShaderNodeMapRange")
    spread.inputs["To Min"].default_value = low
    spread.inputs["To Max"].default_value = high
    links.new(noise.outputs["Fac"], spread.inputs["Value"])
    product = nodes.new("ShaderNodeMix")
    product.data_type, product.blend_type = "RGBA", "MULTIPLY"
    product.inputs["Factor"].default_value = 1.0
    if isinstance(colour, tuple):
        product.inputs["A"].default_value = colour
    else:
        links.new(colour, product.inputs["A"])
    links.new(spread.outputs["Result"], product.inputs["B"])
    return product.outputs["Result"]


def let_light_through(tree, bsdf, colour, share: float) -> None:
    """Make the material's surface `bsdf` mixed with a Translucent BSDF of `colour` (an
    output socket) at `share`: a leaf or a blade of grass lit from behind glows."""
    nodes, links = tree.nodes, tree.links
    translucent = nodes.new("ShaderNodeBsdfTranslucent")
    links.new(colour, translucent.inputs["Color"])
    mix = nodes.new("ShaderNodeMixShader")
    mix.inputs["Fac"].default_value = share
    links.new(bsdf.outputs[0], mix.inputs[1])
    links.new(translucent.outputs[0], mix.inputs[2])
    links.new(mix.outputs[0], nodes["Material Output"].inputs["Surface"])
