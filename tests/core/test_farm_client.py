import sys
import time
from pathlib import Path

import pytest
from metastudio.core.errors import FarmError
from metastudio.core.farm_client import FarmProcess, find_farm_command, render_command
from metastudio.core.render_job import RenderSettings


def test_command_carries_every_setting(tmp_path):
    settings = RenderSettings.model_validate({
        "frames": "1-4", "step": 2,
        "overrides": {"engine": "CYCLES", "samples": 8, "resolution": "64x32",
                      "persistent_data": False},
        "output": {"directory": tmp_path},
        "resources": {"workers": 2, "frame_timeout": 30, "use_gpu": False,
                      "address": "10.0.0.1:6379"},
    })
    command = render_command("metastudio", Path("/s/shot.blend"), settings)
    text = " ".join(command)
    assert command[:3] == ["metastudio", "render", "/s/shot.blend"]
    for part in ("--progress json", "--frames 1-4", "--step 2", "--engine CYCLES",
                 "--samples 8", "--resolution 64x32", f"--out {tmp_path}", "--workers 2",
                 "--frame-timeout 30.0", "--address 10.0.0.1:6379", "--no-persistent-data",
                 "--cpu-only"):
        assert part in text, part
    assert "--shared-storage" not in command and "--format" not in command
    # The command line the CLI parses gives back the same settings.
    from metastudio_farm.cli.commands import build_parser
    from metastudio_farm.cli.render import job_from_args

    blend = tmp_path / "shot.blend"
    blend.write_bytes(b"BLENDER-v500" + b"\0" * 64)
    args = build_parser().parse_args(render_command("x", blend, settings)[1:])
    assert job_from_args(args).model_dump(exclude={"scene", "steps"}) == settings.model_dump()


def test_failure_of_the_real_cli_carries_its_error_line(tmp_path):
    missing = tmp_path / "missing.blend"
    command = render_command(sys.executable, missing, RenderSettings())
    command[1:1] = ["-m", "metastudio_farm.cli"]  # the CLI of this environment
    process = FarmProcess(command)
    while not process.poll().finished:
        time.sleep(0.01)
    assert process.progress.returncode == 2
    assert process.progress.message == f"scene: file not found: {missing}"


def test_missing_command():
    with pytest.raises(FarmError, match="metastudio command was not found"):
        find_farm_command("/nowhere/metastudio")
