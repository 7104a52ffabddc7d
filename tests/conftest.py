"""The whole suite's environment: the farm's home (its queues, and where commands look
for a running farm service) is a folder of this session's own, so that no test uses or
finds a service or jobs of the machine's user."""

import atexit
import os
import shutil
import tempfile

_HOME = tempfile.mkdtemp(prefix="metastudio-test-home-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
os.environ["METASTUDIO_SERVICE_HOME"] = _HOME
os.environ.pop("METASTUDIO_SERVICE", None)
os.environ.pop("METASTUDIO_TOKEN", None)
