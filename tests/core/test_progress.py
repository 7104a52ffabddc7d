import io

from metastudio_farm.cli.progress import ProgressBar


def test_progress_lines_when_not_a_terminal():
    stream = io.StringIO()
    bar = ProgressBar(stream=stream, interval=0)
    bar.start(4)
    bar.update(2)
    bar.update(3, failed=1)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[....") and "0/4 frames" in lines[0]
    assert "2/4 frames" in lines[1]
    assert "3/4 frames, 1 failed" in lines[2]
    assert "left" in lines[2] and "/s" in lines[2]


def test_json_progress_lines():
    import json

    from metastudio_farm.cli.progress import JsonProgress

    stream = io.StringIO()
    progress = JsonProgress(stream)
    progress.start(3)
    progress.update(1)
    progress.update(2, failed=1)
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert events == [{"event": "start", "total": 3},
                      {"event": "frames", "done": 1, "failed": 0, "total": 3},
                      {"event": "frames", "done": 2, "failed": 1, "total": 3}]
