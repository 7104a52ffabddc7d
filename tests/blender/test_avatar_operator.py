"""Export Avatar in a real bpy (each Blender tier): the file is written and the scene is
left exactly as it was (objects, names, materials, images, scenes, selection); a failed
export changes nothing either; FBX and USD come back into Blender with the rig, the
weighted meshes, the ARKit face shapes and the baked textures."""

from tests.blender.test_character_operator import SETUP
from tests.bpy_process import run_bpy

STATE = SETUP + """
def state():
    return {"objects": sorted((o.name, o.type, o.parent.name if o.parent else "",
                               [s.material.name for s in o.material_slots if s.material])
                              for o in bpy.data.objects),
            "materials": sorted(m.name for m in bpy.data.materials),
            # Nothing added to the artist's materials either (a bake node, an image).
            "nodes": sorted((m.name, sorted(n.bl_idname for n in m.node_tree.nodes))
                            for m in bpy.data.materials if m.node_tree),
            "images": sorted(i.name for i in bpy.data.images),
            "meshes": sorted(m.name for m in bpy.data.meshes),
            "scenes": sorted(s.name for s in bpy.data.scenes),
            "selected": sorted(o.name for o in bpy.context.selected_objects),
            "active": bpy.context.view_layer.objects.active.name}

def export(**params):
    return bpy.ops.metastudio.export_avatar(params_json=json.dumps(params))

assert make(description="a woman with a short bob in a blue dress", name="Mia") == {"FINISHED"}
before = state()
"""


def test_export_leaves_the_scene_as_it_was(tmp_path):
    result = run_bpy(STATE + """
glb = export(name="Mia", path=out + "/mia.glb", texture_size=512)
after = state()
try:
    export(name="Mia", path=out + "/mia.obj")
    failed = None
except RuntimeError as error:
    failed = str(error)
result = {"status": sorted(glb), "same": before == after, "diff": [k for k in before
          if before[k] != after[k]], "failed": failed, "same_after_failure": state() == before}
""", out=str(tmp_path), hard_exit=True)
    assert result["status"] == ["FINISHED"]
    assert result["same"], result["diff"]
    assert "unknown suffix" in result["failed"] and result["same_after_failure"]
    assert (tmp_path / "mia.glb").stat().st_size > 1_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mia.glb"]


def test_fbx_and_usd_come_back_with_rig_shapes_and_textures(tmp_path):
    result = run_bpy(STATE + """
out_files = {}
for suffix in ("fbx", "usdc"):
    path = f"{out}/mia.{suffix}"
    assert export(name="Mia", path=path, texture_size=512) == {"FINISHED"}
    out_files[suffix] = path
found = {}
for suffix, path in out_files.items():
    bpy.ops.wm.read_factory_settings(use_empty=True)
    if suffix == "fbx":
        bpy.ops.import_scene.fbx(filepath=path)
    else:
        bpy.ops.wm.usd_import(filepath=path)
    armatures = [o for o in bpy.data.objects if o.type == "ARMATURE"]
    meshes = [o for o in bpy.data.objects if o.type == "MESH"]
    keys = set()
    for mesh in meshes:
        if mesh.data.shape_keys:
            keys |= {k.name for k in mesh.data.shape_keys.key_blocks}
    images = [i for i in bpy.data.images if i.size[0] >= 512]
    found[suffix] = {"bones": max((len(a.data.bones) for a in armatures), default=0),
                     "meshes": len(meshes), "keys": sorted(keys),
                     "weighted": sum(1 for m in meshes if m.vertex_groups),
                     "images": len(images)}
result = found
""", out=str(tmp_path), hard_exit=True)
    for suffix, found in result.items():
        assert found["bones"] >= 100, (suffix, found)
        assert found["meshes"] >= 4 and found["weighted"] >= 4, (suffix, found)
        assert {"jawOpen", "eyeBlinkLeft", "mouthSmileRight", "viseme_aa"} <= set(
            found["keys"]), (suffix, found["keys"][:10])
        assert found["images"] >= 2, (suffix, found)
