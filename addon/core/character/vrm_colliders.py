"""The legs' colliders of a written VRM, fitted in the file's own space (no bpy).

The VRM add-on writes a capsule's offset and tail as given in Blender's bone space,
while the file's nodes are not always in that frame (a thigh's node is turned about 20
degrees from Blender's upper leg bone), so a capsule meant to run down the thigh points
off it and pushes the skirt at rest. After the add-on has written the file, each
capsule of the "Legs" group is laid again from its node to the next joint of the
humanoid (hip to knee, knee to ankle) with the nodes' own transforms, and thinned where
a skirt's joint passes near it at rest: a collider that touches the cloth when nothing
moves would blow it out as the avatar loads.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

NEXT_JOINT = {"leftUpperLeg": "leftLowerLeg", "leftLowerLeg": "leftFoot",
              "rightUpperLeg": "rightLowerLeg", "rightLowerLeg": "rightFoot"}
CLEAR = 0.004  # between a collider and a skirt joint's own radius at rest


def read_glb(path: Path) -> tuple[dict, bytes]:
    """A GLB's JSON and its binary chunk."""
    data = Path(path).read_bytes()
    length, kind = struct.unpack_from("<I4s", data, 12)
    if data[:4] != b"glTF" or kind != b"JSON":
        raise ValueError(f"{path}: not a GLB")
    document = json.loads(data[20:20 + length])
    rest = data[20 + length:]
    binary = b""
    if len(rest) >= 8:
        size, kind = struct.unpack_from("<I4s", rest, 0)
        binary = rest[8:8 + size] if kind == b"BIN\x00" else b""
    return document, binary


def write_glb(path: Path, document: dict, binary: bytes) -> None:
    """A GLB from its JSON and binary chunk (each padded to 4 bytes)."""
    text = json.dumps(document, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 4)
    binary += b"\x00" * (-len(binary) % 4)
    chunks = struct.pack("<I4s", len(text), b"JSON") + text
    if binary:
        chunks += struct.pack("<I4s", len(binary), b"BIN\x00") + binary
    Path(path).write_bytes(struct.pack("<4sII", b"glTF", 2, 12 + len(chunks)) + chunks)


def _local(node: dict) -> np.ndarray:
    if "matrix" in node:
        return np.array(node["matrix"], float).reshape(4, 4).T
    x, y, z, w = node.get("rotation", (0.0, 0.0, 0.0, 1.0))
    rotation = np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])
    matrix = np.eye(4)
    matrix[:3, :3] = rotation * np.asarray(node.get("scale", (1.0, 1.0, 1.0)))
    matrix[:3, 3] = node.get("translation", (0.0, 0.0, 0.0))
    return matrix


def world_matrices(document: dict) -> list[np.ndarray]:
    """Every node's matrix in the file's world space."""
    nodes = document.get("nodes", [])
    parent = {child: i for i, node in enumerate(nodes) for child in node.get("children", [])}
    out: list[np.ndarray | None] = [None] * len(nodes)

    def world(i: int) -> np.ndarray:
        if out[i] is None:
            out[i] = _local(nodes[i]) if i not in parent else world(parent[i]) @ _local(
                nodes[i])
        return out[i]

    return [world(i) for i in range(len(nodes))]


def fit_leg_colliders(document: dict) -> int:
    """Lay the "Legs" group's capsules along the legs and thin them clear of the skirts'
    joints; returns how many were fitted."""
    extensions = document.get("extensions", {})
    springs = extensions.get("VRMC_springBone")
    humanoid = extensions.get("VRMC_vrm", {}).get("humanoid", {}).get("humanBones", {})
    if not springs:
        return 0
    legs = [group for group in springs.get("colliderGroups", []) if group.get("name") ==
            "Legs"]
    if not legs:
        return 0
    worlds = world_matrices(document)
    bone_of = {entry["node"]: bone for bone, entry in humanoid.items()}
    skirt_nodes = [joint["node"] for spring in springs.get("springs", [])
                   if spring.get("name", "").startswith("Skirt")
                   for joint in spring.get("joints", [])]
    joints = np.array([worlds[n][:3, 3] for n in skirt_nodes]).reshape(-1, 3)
    hits = np.array([joint.get("hitRadius", 0.0) for spring in springs["springs"]
                     if spring.get("name", "").startswith("Skirt")
                     for joint in spring.get("joints", [])])
    fitted = 0
    for index in legs[0].get("colliders", []):
        collider = springs["colliders"][index]
        capsule = collider.get("shape", {}).get("capsule")
        bone = bone_of.get(collider["node"])
        if capsule is None or NEXT_JOINT.get(bone) not in humanoid:
            continue
        node_world = worlds[collider["node"]]
        head = node_world[:3, 3]
        tail = worlds[humanoid[NEXT_JOINT[bone]]["node"]][:3, 3]
        local_tail = np.linalg.inv(node_world) @ np.append(tail, 1.0)
        capsule["offset"] = [0.0, 0.0, 0.0]
        capsule["tail"] = [float(v) for v in local_tail[:3]]
        if len(joints):
            axis = tail - head
            t = np.clip((joints - head) @ axis / max(float(axis @ axis), 1e-12), 0, 1)
            gap = np.linalg.norm(joints - (head + t[:, None] * axis), axis=1) - hits
            capsule["radius"] = float(max(0.005, min(capsule["radius"],
                                                     gap.min() - CLEAR)))
        fitted += 1
    return fitted


def fit_file(path: Path) -> int:
    """fit_leg_colliders on a written VRM, in place."""
    document, binary = read_glb(path)
    fitted = fit_leg_colliders(document)
    if fitted:
        write_glb(path, document, binary)
    return fitted
