"""The tracking bundles made from MediaPipe 0.10.21's models (core.tracking.bundles): made
from the wheel scripts/_bootstrap.sh keeps, refused from a wheel whose models differ, and
the rewired face model's 478 points laid out as the legacy face mesh laid them out."""

import zipfile
from pathlib import Path

import numpy as np
import pytest
from metastudio.core.tracking.bundles import (
    CONTOUR,
    LEFT_EYE,
    RIGHT_EYE,
    BundleError,
    build,
    bundle_path,
)

from .conftest import photo

ROOT = Path(__file__).resolve().parents[2]


def legacy_wheel() -> Path:
    (wheel,) = sorted((ROOT / "build" / "wheels" / "legacy").glob("mediapipe-0.10.21-*.whl"))
    return wheel


def test_bundles_are_made_from_the_wheel_and_a_changed_model_is_refused(tmp_path):
    made = build(legacy_wheel(), tmp_path / "models")
    assert sorted(p.name for p in made) == ["face_landmarker.task", "hand_landmarker.task",
                                            "pose_landmarker.task"]
    with zipfile.ZipFile(made[0]) as bundle:
        assert sorted(bundle.namelist()) == ["pose_detector.tflite",
                                             "pose_landmarks_detector.tflite"]
    # The same wheel with one model's bytes changed: refused, naming the model; the
    # bundles already in place are kept.
    forged = tmp_path / "forged.whl"
    with zipfile.ZipFile(legacy_wheel()) as source, zipfile.ZipFile(forged, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("pose_detection.tflite"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            out.writestr(item, data)
    before = made[0].read_bytes()
    with pytest.raises(BundleError, match="pose_detection.tflite is not the model expected"):
        build(forged, tmp_path / "models")
    assert made[0].read_bytes() == before
    assert not list((tmp_path / "models").glob("*.partial"))
    (tmp_path / "notes.whl").write_text("not a wheel")
    with pytest.raises(BundleError, match="notes.whl: not a readable wheel"):
        build(tmp_path / "notes.whl", tmp_path / "models")


def test_the_face_bundle_gives_irises_in_the_eyes_at_their_contours_depth():
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    rgb = np.ascontiguousarray(photo()[:, :, ::-1])
    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(bundle_path("face"))))
    with vision.FaceLandmarker.create_from_options(options) as model:
        found = model.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb))
    points = np.array([(p.x, p.y, p.z) for p in found.face_landmarks[0]])
    assert points.shape == (478, 3)
    for eye, iris in ((LEFT_EYE, range(468, 473)), (RIGHT_EYE, range(473, 478))):
        contour = points[list(eye[:CONTOUR])]
        centre = points[iris[0]]
        # The iris centre sits inside its eye's contour box, on the eye's side.
        assert contour[:, 0].min() < centre[0] < contour[:, 0].max()
        assert contour[:, 1].min() - 0.01 < centre[1] < contour[:, 1].max() + 0.01
        # Its five points share one depth: the mean of the contour's (the legacy graph's
        # rule, now operators in the model).
        assert np.allclose(points[list(iris), 2], contour[:, 2].mean(), atol=1e-5)
    # The image-left eye is the one listed first (the legacy layout, read by face.py).
    assert points[468, 0] < points[473, 0]
