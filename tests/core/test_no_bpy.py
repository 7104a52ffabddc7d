"""`core` and the farm's driver side must import with bpy absent."""

import subprocess
import sys

BLOCK_BPY = (
    "import sys\n"
    "class Block:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name == 'bpy' or name.startswith('bpy.'):\n"
    "            raise ImportError('bpy is blocked in this test')\n"
    "sys.meta_path.insert(0, Block())\n"
)


def test_core_and_driver_import_without_bpy():
    code = BLOCK_BPY + (
        "import pkgutil, importlib, metastudio.core\n"
        "for mod in pkgutil.walk_packages(metastudio.core.__path__, 'metastudio.core.'):\n"
        "    importlib.import_module(mod.name)\n"
        "import metastudio_farm.cli, metastudio_farm.scheduling.dispatcher\n"
        "import metastudio_farm.scheduling.worker, metastudio_farm.batches.plans\n"
        "import metastudio_farm.cli.character, metastudio_farm.batches.character\n"
        "assert 'bpy' not in sys.modules\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_block_really_blocks():
    proc = subprocess.run([sys.executable, "-c", BLOCK_BPY + "import bpy"],
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "blocked" in proc.stderr
