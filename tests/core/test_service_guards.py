"""The farm service's guards and job models, without Blender or Ray: path roots and
mapping, the token, the paths a job names, frame-count limits, the Farm panel's request."""

from pathlib import Path

import pytest
import yaml
from metastudio.core.errors import JobSpecError
from metastudio.core.frames import parse_frames
from metastudio.core.render_job import RenderSettings
from metastudio.core.service_jobs import JobRequest, render_job_request
from metastudio_farm.service.security import (
    PathPolicy,
    ensure_token,
    paths_in,
    read_token_digest,
    token_matches,
)
from pydantic import TypeAdapter

ROOT = Path(__file__).resolve().parents[2]
REQUEST = TypeAdapter(JobRequest)


def test_paths_outside_the_roots_are_refused(tmp_path):
    policy = PathPolicy([tmp_path / "projects"])
    policy.check(tmp_path / "projects" / "a" / "shot.blend", "scene")
    policy.check(tmp_path / "projects", "out")
    for sneaky in (tmp_path / "projects" / ".." / "secrets", tmp_path / "projects-2",
                   Path("/etc/passwd")):
        with pytest.raises(ValueError, match="scene: .* is outside the folders"):
            policy.check(sneaky, "scene")
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "link").symlink_to("/etc")
    with pytest.raises(ValueError, match="outside"):
        policy.check(tmp_path / "projects" / "link" / "hostname", "scene")
    policy.check(Path("sample:topobathy"), "batch.spec.elevation_map")  # packaged data


def test_client_paths_map_to_the_service(tmp_path):
    policy = PathPolicy([Path("/mnt/projects")],
                        [("P:/", "/mnt/projects/"), ("/Volumes/Projects/", "/mnt/projects/")])
    assert (policy.map_text("P:\\shots\\sh010\\sh010.blend")
            == "/mnt/projects/shots/sh010/sh010.blend")
    assert policy.map_text("p:/shots/x.blend") == "/mnt/projects/shots/x.blend"
    assert policy.map_text("/Volumes/Projects/lines") == "/mnt/projects/lines"
    assert policy.map_text("a misty forest") == "a misty forest"
    mapped = policy.map_request({"scene": "P:\\a.blend", "steps": [{"params": {
        "audio": "/Volumes/Projects/line.wav"}}]})
    assert mapped == {"scene": "/mnt/projects/a.blend",
                      "steps": [{"params": {"audio": "/mnt/projects/line.wav"}}]}


def test_every_path_a_job_names_is_found():
    job = REQUEST.validate_python({
        "kind": "render", "scene": "/p/shot.blend", "out": "/p/out",
        "steps": [{"operator": "metastudio.lipsync", "params": {"audio": "/p/line.wav"}}]})
    assert {name: str(path) for name, path in paths_in(job)} == {
        "scene": "/p/shot.blend", "out": "/p/out", "steps.0.params.audio": "/p/line.wav"}
    batch = REQUEST.validate_python({
        "kind": "batch", "out": "/p/bg", "batch": {
            "operator": "background", "count": 2,
            "spec": {"reference_image": "/p/ref.jpg", "elevation_map": "/p/dem.npy"}}})
    assert {name for name, _ in paths_in(batch)} == {
        "batch.spec.elevation_map", "batch.spec.reference_image", "out"}


def test_the_token_is_kept_as_a_hash_and_shown_once(tmp_path):
    token = ensure_token(tmp_path)
    assert token and len(token) >= 40
    assert ensure_token(tmp_path) is None  # not shown again
    stored = (tmp_path / "token.sha256").read_text()
    assert token not in stored and (tmp_path / "token.sha256").stat().st_mode & 0o077 == 0
    digest = read_token_digest(tmp_path)
    assert token_matches(digest, token)
    assert not token_matches(digest, token + "x") and not token_matches(digest, "")
    renewed = ensure_token(tmp_path, renew=True)
    assert renewed != token and not token_matches(read_token_digest(tmp_path), token)


def test_frame_counts_are_limited_before_expansion():
    assert len(parse_frames("1-100000", limit=100_000)) == 100_000
    with pytest.raises(JobSpecError, match="more than 100000 frames"):
        parse_frames("1-1000000", limit=100_000)
    with pytest.raises(JobSpecError, match="1000000000000 is outside Blender.s frames"):
        parse_frames("1-1000000000000", limit=100_000)
    with pytest.raises(JobSpecError, match="more than 10 frames"):
        parse_frames("1-6,10-15", limit=10)
    assert parse_frames("1-100,1-100", limit=100) == list(range(1, 101))


def test_the_farm_panels_settings_become_a_service_job(tmp_path):
    settings = RenderSettings(frames="2-3", overrides={"samples": 8},
                              output={"directory": tmp_path / "render"},
                              resources={"workers": 2, "use_gpu": False, "max_attempts": 5})
    request = render_job_request(tmp_path / "shot.farm.blend", settings, "shot.blend")
    # What the client sends, read back as the service reads it.
    job = REQUEST.validate_python(request.model_dump(mode="json", exclude_none=True))
    assert (job.frames, job.overrides.samples, job.out, job.max_workers, job.requires,
            job.max_attempts, job.name) == ("2-3", 8, tmp_path / "render", 2, "cpu", 5,
                                            "shot.blend")


def test_cluster_configs_describe_the_service_and_gpu_workers():
    launcher = yaml.safe_load((ROOT / "deploy" / "ray-cluster.yaml").read_text())
    head = " ".join(launcher["head_start_ray_commands"])
    assert "--num-cpus=0" in head and "metastudio serve --address auto" in head
    assert "--path-map" in head and "--root /mnt/projects" in head
    kube = list(yaml.safe_load_all((ROOT / "deploy" / "kuberay.yaml").read_text()))
    cluster = kube[0]["spec"]
    gpu = next(g for g in cluster["workerGroupSpecs"] if g["groupName"] == "gpu")
    limits = gpu["template"]["spec"]["containers"][0]["resources"]["limits"]
    assert limits["nvidia.com/gpu"] == "1" and cluster["rayVersion"] == "2.60.0"
    assert kube[1]["spec"]["ports"][0]["port"] == 8642
