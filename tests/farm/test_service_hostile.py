"""The farm service tried as a hostile user and a careful SRE would: a real `metastudio
serve` on loopback (real Ray, real Blender workers) keeps every job inside its roots
(checked on disk), keeps one master per queue, stops what is canceled or deleted, fails
in one line on a broken queue, answers 4xx (never 5xx) to absurd numbers, throttles
token guessing, and listens on loopback only."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bpy_process import build_scene, run_bpy
from tests.farm.service_process import ServiceProcess, free_port, raw_call, wait_for


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    """A studio folder the service may use, and a folder beside it that it may not."""
    base = tmp_path_factory.mktemp("hostile")
    root, outside = base / "studio", base / "outside"
    root.mkdir()
    outside.mkdir()
    build_scene(root / "shot.blend", frames=4)
    (outside / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    return root, outside


@pytest.fixture(scope="module")
def service(place, tmp_path_factory):
    root, _ = place
    home = tmp_path_factory.mktemp("hostile-service") / "home"
    running = ServiceProcess(home, [root], "--cpus-per-worker", "1")
    try:
        running.start().wait_for_workers(2)
        yield running
    finally:
        running.stop()


def post(service, job: dict, token: str | None = None) -> tuple[int, dict]:
    return raw_call(service.url, "POST", "/api/jobs", json.dumps(job).encode(),
                    {"Authorization": f"Bearer {token or service.token}",
                     "Content-Type": "application/json"})


def untouched(outside: Path) -> None:
    assert sorted(p.name for p in outside.rglob("*")) == ["secret.png"]


def save_variant(source: Path, target: Path, code: str) -> Path:
    run_bpy(f"""
        import bpy
        bpy.ops.wm.open_mainfile(filepath=source)
        {code}
        bpy.ops.wm.save_as_mainfile(filepath=target, relative_remap=False)
    """, source=str(source), target=str(target))
    return target


def test_paths_that_leave_the_roots_are_refused_before_anything_is_read(service, place):
    root, outside = place
    scene = str(root / "shot.blend")
    cases = [
        ({"scene": scene, "out": "sample:../../../outside/esc"}, "is not an absolute path"),
        ({"scene": scene, "out": "relative/frames"}, "is not an absolute path"),
        ({"scene": scene, "out": str(root / ".." / "outside" / "esc")}, "out: "),
        ({"scene": str(outside / "secret.png")}, "scene: "),
    ]
    for fields, message in cases:
        status, body = post(service, {"kind": "render", **fields})
        assert status == 422 and message in body["detail"], (fields, body)
        assert "outside the folders" in body["detail"] or "absolute" in body["detail"]
    assert not list(Path.cwd().glob("sample:*")) and not list(root.glob("sample:*"))
    untouched(outside)


def test_a_scene_whose_own_paths_leave_the_roots_is_refused_naming_the_block(service, place):
    root, outside = place
    shot = root / "shot.blend"
    escaping_output = save_variant(shot, root / "writes_out.blend",
                                   f"bpy.context.scene.render.filepath = {str(outside)!r} "
                                   "+ '/esc_####'")
    status, body = post(service, {"kind": "render", "scene": str(escaping_output)})
    assert status == 422 and "scene 'Sample' output writes to" in body["detail"], body
    # With an out folder inside the roots, the scene's own output does not matter.
    status, body = post(service, {"kind": "render", "scene": str(escaping_output),
                                  "out": str(root / "ok"), "preview": False, "priority": 0})
    assert status == 201, body
    raw_call(service.url, "DELETE", f"/api/jobs/{body['id']}",
             headers={"Authorization": f"Bearer {service.token}"})

    reads_out = save_variant(shot, root / "reads_out.blend", f"""
        image = bpy.data.images.load({str(outside / 'secret.png')!r})
        image.use_fake_user = True""")
    status, body = post(service, {"kind": "render", "scene": str(reads_out),
                                  "out": str(root / "ok")})
    assert status == 422 and "image 'secret.png' uses" in body["detail"], body
    assert str(outside / "secret.png") in body["detail"]

    link = root / "link.blend"
    link.symlink_to(outside / "elsewhere.blend")
    status, body = post(service, {"kind": "render", "scene": str(link)})
    assert status == 422 and "outside the folders" in body["detail"], body
    untouched(outside)


def test_operator_step_files_get_one_answer_whether_or_not_they_exist(service, place):
    root, outside = place
    answers = []
    for texture in (outside / "secret.png", outside / "no-such-file.png"):
        status, body = post(service, {
            "kind": "render", "scene": str(root / "shot.blend"),
            "steps": [{"operator": "metastudio.add_sample_shot",
                       "params": {"ground_texture": str(texture)}}]})
        assert status == 422, body
        answers.append(body["detail"].replace(texture.name, "NAME"))
    assert answers[0] == answers[1] and "outside the folders" in answers[0]


def test_a_batch_folder_with_a_link_out_of_the_roots_is_refused(service, place):
    root, outside = place
    folder = root / "lines"
    folder.mkdir()
    (folder / "line.wav").symlink_to(outside / "secret.png")
    status, body = post(service, {"kind": "batch", "out": str(root / "cues"),
                                  "batch": {"operator": "lipsync", "folder": str(folder)}})
    assert status == 422 and "links outside the folders" in body["detail"], body
    assert not (root / "cues").exists()


@pytest.mark.parametrize("path", [
    "/api/jobs/0123456789ab/tasks/99999999999999999999999",
    "/api/jobs/0123456789ab/tasks/9223372036854775808/thumbnail",
    "/api/jobs/0123456789ab/tasks/-1",
    "/api/jobs?state=everything",
])
def test_absurd_numbers_are_4xx_never_5xx(service, path):
    status, body = raw_call(service.url, "GET", path,
                            headers={"Authorization": f"Bearer {service.token}"})
    assert 400 <= status < 500, (status, body)


def test_cancel_and_delete_stop_frames_being_rendered(service, place):
    root, _ = place
    slow = build_scene(root / "slow.blend", frames=40, resolution=(320, 180), samples=400)
    client = service.client()

    def running(job_id):
        deadline = time.monotonic() + 120
        while not client.job(job_id).counts.get("running"):
            assert time.monotonic() < deadline, client.job(job_id)
            time.sleep(0.1)

    job = client.submit({"kind": "render", "scene": slow, "out": str(root / "slow"),
                         "preview": False})
    later = client.submit({"kind": "render", "scene": str(root / "shot.blend"),
                           "out": str(root / "later"), "depends_on": [job.id],
                           "preview": False})
    running(job.id)
    client.action(job.id, "cancel")
    deadline = time.monotonic() + 20
    while client.job(job.id).counts.get("running"):
        assert time.monotonic() < deadline, "the canceled job's frames kept running"
        time.sleep(0.1)
    held = sorted(p.name for p in (root / "slow").glob("frame_*"))
    failed = wait_for(client, later.id)
    assert failed.state == "failed" and f"{job.id} canceled" in failed.message
    workers = service.wait_for_workers(2)  # the stopped slots are warm again
    assert all(w.state in ("idle", "busy") for w in workers)
    time.sleep(2)
    assert sorted(p.name for p in (root / "slow").glob("frame_*")) == held

    again = client.submit({"kind": "render", "scene": slow, "out": str(root / "slow2"),
                           "preview": False})
    running(again.id)
    client.delete(again.id)
    time.sleep(3)
    made = sorted(p.name for p in (root / "slow2").glob("frame_*"))
    time.sleep(3)
    assert sorted(p.name for p in (root / "slow2").glob("frame_*")) == made
    assert not any(w.job == again.id for w in client.workers())


def test_an_ended_job_leaves_no_folder_on_the_workers_node(service, place):
    from metastudio_farm.scheduling.worker import worker_home

    root, _ = place
    client = service.client()
    job = client.submit({"kind": "render", "scene": str(root / "shot.blend"), "frames": "1-2",
                         "out": str(root / "clean"), "preview": False})
    assert wait_for(client, job.id).state == "done"
    folder = Path(worker_home()) / "jobs" / job.id
    deadline = time.monotonic() + 20
    while folder.exists():  # gone once the dispatcher lets the ended job go
        assert time.monotonic() < deadline, sorted(folder.rglob("*"))
        time.sleep(0.2)


def saved_by(source: Path, target: Path, version: str) -> str:
    """A copy of a scene whose header says another Blender saved it ("0501": 5.1)."""
    run_bpy("""
        import bpy
        bpy.ops.wm.open_mainfile(filepath=source)
        bpy.ops.wm.save_as_mainfile(filepath=target, compress=False)
    """, source=str(source), target=str(target))
    data = bytearray(target.read_bytes())
    assert data[:13] == b"BLENDER17-01v", data[:17]
    data[13:17] = version.encode()
    target.write_bytes(bytes(data))
    return str(target)


def test_scenes_from_a_newer_blender_are_named_and_refused_across_major_versions(
        service, place):
    root, _ = place
    client = service.client()
    ours = client.workers()[0].blender  # e.g. "5.0": the tier's own Blender
    major, minor = (int(part) for part in ours.split("."))
    minor_up, major_up = f"{major}.{minor + 1}", f"{major + 1}.0"
    newer_minor = saved_by(root / "shot.blend", root / "minor_up.blend",
                           f"{major:02d}{minor + 1:02d}")
    job = client.submit({"kind": "render", "scene": newer_minor, "frames": "1",
                         "out": str(root / "minor_up"), "preview": False})
    assert wait_for(client, job.id).state == "done"
    log = "\n".join(client.log(job.id))
    assert f"scene saved by Blender {minor_up}" in log
    assert (f"warning: the scene was saved by Blender {minor_up}; workers running Blender "
            f"{ours}") in log
    assert f"runs Blender {ours}, older than Blender {minor_up} that saved the scene" in log

    newer_major = saved_by(root / "shot.blend", root / "major_up.blend", f"{major + 1:02d}00")
    status, body = post(service, {"kind": "render", "scene": newer_major})
    assert status == 422, body
    assert (f"saved by Blender {major_up}, a newer major version than this farm's workers "
            f"(Blender {ours})") in body["detail"]
    done = subprocess.run([sys.executable, "-m", "metastudio_farm.cli", "render", newer_major,
                           "--out", str(root / "major_up")], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and f"saved by Blender {major_up}" in done.stderr, done.stderr
    assert not (root / "major_up").exists()


def test_a_second_service_on_the_same_home_is_refused_naming_the_first(service, place):
    root, _ = place
    done = subprocess.run([str(Path(sys.executable).with_name("metastudio")), "serve",
                           "--home", str(service.home), "--port", str(free_port()),
                           "--root", str(root)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert f"is already served by pid {service.process.pid} at {service.url}/" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("content", [
    b"this is not a database at all " * 40,
    b"SQLite format 3\x00" + b"\x10\x00\x01\x01" + b"\xff" * 4000,  # truncated, damaged
    "wrong schema",
    "folder",
])
def test_a_broken_queue_stops_the_start_in_one_line_and_is_left_as_it_is(tmp_path, content):
    home = tmp_path / "home"
    home.mkdir()
    queue = home / "queue.sqlite"
    if content == "folder":
        queue.mkdir()
    elif content == "wrong schema":
        import sqlite3

        with sqlite3.connect(queue) as db:
            db.execute("CREATE TABLE jobs (id TEXT, colour TEXT)")
    else:
        queue.write_bytes(content)
    before = queue.read_bytes() if queue.is_file() else None
    done = subprocess.run([str(Path(sys.executable).with_name("metastudio")), "serve",
                           "--home", str(home), "--port", str(free_port()),
                           "--root", str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "error: queue: " in errors[0] and "mv " in errors[0]
    assert "Traceback" not in done.stderr
    if before is not None:
        assert queue.read_bytes() == before
    assert not (home / "token.sha256").exists()  # no token that was never shown


def test_a_home_that_cannot_be_used_stops_the_start_in_one_line(tmp_path):
    home = tmp_path / "home"
    home.write_text("a file where the home should be")  # root may write anywhere else
    done = subprocess.run([str(Path(sys.executable).with_name("metastudio")), "serve",
                           "--home", str(home), "--port", str(free_port()),
                           "--root", str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"error: home: cannot use {home}" in done.stderr, done.stderr


def test_the_api_answers_as_its_own_openapi_document_says(service, tmp_path):
    """Schemathesis, bounded (about 20 cases per operation, a few hundred requests to
    127.0.0.1 only): no server error, every status and body as the document declares."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(tmp_path / "hypothesis")  # its caches, not in the checkout
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    status, document = raw_call(service.url, "GET", "/openapi.json")
    assert status == 200
    assert "HTTPValidationError" not in json.dumps(document)  # its detail is a list
    for operations in document["paths"].values():
        for operation in operations.values():
            for code in ("401", "422", "429"):
                assert operation["responses"][code]["content"]["application/json"][
                    "schema"] == {"$ref": "#/components/schemas/ErrorDetail"}
    schema = schemathesis.openapi.from_dict(document)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    headers = {"Authorization": f"Bearer {service.token}"}
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=20, database=None, deadline=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def exercise(case):
            nonlocal calls
            calls += 1
            case.call_and_validate(base_url=service.url, headers=headers, checks=checks,
                                   timeout=30)

        exercise()
    assert 50 <= calls <= 400, calls
    assert not list(Path.cwd().glob("sample:*"))


def test_guessing_tokens_is_throttled_and_logged(service):
    statuses = [raw_call(service.url, "GET", "/api/info",
                         headers={"Authorization": f"Bearer guess-{n}"})[0] for n in range(12)]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    # Even the right token waits out the minute from that address.
    status, body = raw_call(service.url, "GET", "/api/info",
                            headers={"Authorization": f"Bearer {service.token}"})
    assert status == 429 and "try again in" in body["detail"]
    log = (service.home / "service.log").read_text()
    assert "10 wrong tokens from 127.0.0.1" in log


def test_every_answer_carries_the_browser_protections(service):
    import urllib.request

    with urllib.request.urlopen(service.url + "/", timeout=30) as page:
        headers = page.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "'sha256-" in headers["Content-Security-Policy"]


def test_the_embedded_ray_listens_on_loopback_only(service):
    listening = listening_addresses(service.process.pid)
    assert len(listening) >= 4, listening  # the API, Ray's GCS, raylet, workers...
    assert all(address in ("127.0.0.1", "::1", "::ffff:127.0.0.1")
               for address, _ in listening), listening


def listening_addresses(session: int) -> list[tuple[str, str]]:
    """(address, program) of every TCP socket listened on by a process of `session`."""
    inodes = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.getsid(int(pid)) != session:
                continue
            name = Path(f"/proc/{pid}/comm").read_text().strip()
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes[target[8:-1]] = name
        except OSError:
            continue
    found = []
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            if fields[3] != "0A" or fields[9] not in inodes:  # 0A: LISTEN
                continue
            found.append((_address(fields[1].split(":")[0], width), inodes[fields[9]]))
    return found


def _address(hexed: str, width: int) -> str:
    import ipaddress

    raw = bytes.fromhex(hexed)
    # /proc writes each 32-bit word in the machine's (little-endian) order.
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    address = ipaddress.ip_address(words)
    if width == 32 and address.ipv4_mapped:
        return f"::ffff:{address.ipv4_mapped}"
    return str(address)
