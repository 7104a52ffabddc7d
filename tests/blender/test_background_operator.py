"""Make Background in a real bpy: what it builds, the same world for the same seed,
re-runs that replace only its own objects, and bad input that changes nothing."""

from tests.bpy_process import run_bpy

SETUP = """
import bpy, json
import numpy as np
import metastudio
metastudio.register()
bpy.ops.wm.read_factory_settings(use_empty=True)

def make(**params):
    return sorted(bpy.ops.metastudio.make_background(params_json=json.dumps(params)))

def heights():
    terrain = bpy.data.objects["Terrain"]
    co = np.zeros(len(terrain.data.vertices) * 3)
    terrain.data.vertices.foreach_get("co", co)
    return co.reshape(-1, 3)[:, 2]

def ground():
    terrain = bpy.data.objects["Terrain"]
    data = terrain.data.color_attributes["ground"].data
    rgba = np.zeros(len(data) * 4)
    data.foreach_get("color", rgba)
    return rgba.reshape(-1, 4)[:, :3].mean(axis=0).tolist()
"""


def test_background_is_built_deterministic_and_replaced():
    result = run_bpy(SETUP + """
mine = bpy.data.objects.new("Hero", None)
bpy.context.scene.collection.objects.link(mine)
first = make(description="misty pine forest at dawn, a lake in the valley", seed=4,
             detail="low")
built = sorted(o.name for o in bpy.data.collections["Background"].objects)
depsgraph = bpy.context.evaluated_depsgraph_get()
trees = sum(1 for i in depsgraph.object_instances
            if i.is_instance and i.object.name.startswith("Background conifer"))
summary = bpy.data.objects["Terrain"]["metastudio_resolved_summary"]
forest_colour, a = ground(), heights()
world = bpy.context.scene.world.name
make(description="misty pine forest at dawn, a lake in the valley", seed=4, detail="low")
b = heights()
make(description="sand as far as the eye can see at noon", seed=5, detail="low")
c, desert_colour = heights(), ground()
result = {
    "first": first, "built": built, "summary": summary, "world": world, "trees": trees,
    "same_seed_same": bool(np.array_equal(a, b)), "other_seed_differs": bool(
        not np.array_equal(a, c)),
    "forest": forest_colour, "desert": desert_colour,
    "terrains": sorted(o.name for o in bpy.data.objects if o.name.startswith("Terrain")),
    "collections": sorted(c.name for c in bpy.data.collections),
    "hero": "Hero" in bpy.data.objects,
    "worlds": len(bpy.data.worlds),
}
""")
    assert result["first"] == ["FINISHED"]
    assert {"Fog", "Sun", "Terrain", "Water", "Background conifer",
            "Background conifer model"} <= set(result["built"])
    assert result["trees"] > 20  # instanced on the terrain, above the water
    assert result["summary"] == "dawn, forest, fog, water: lake"
    assert result["world"] == "Background sky"
    assert result["same_seed_same"] and result["other_seed_differs"]
    forest, desert = result["forest"], result["desert"]
    assert forest[1] > forest[0] and desert[0] > desert[2] * 1.5  # green vs sand
    assert result["terrains"] == ["Terrain"] and result["collections"] == ["Background"]
    assert result["hero"] and result["worlds"] == 1


def test_bad_input_changes_nothing():
    result = run_bpy(SETUP + """
make(description="a desert", detail="low")
before = sorted(o.name for o in bpy.data.objects)
try:
    make(extent=100000)
    error = ""
except RuntimeError as exc:
    error = str(exc)
result = {"error": error, "same": before == sorted(o.name for o in bpy.data.objects)}
""")
    assert "extent" in result["error"] and "5000" in result["error"]
    assert result["same"]
