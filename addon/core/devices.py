"""Which Cycles device a worker renders with, decided from what Blender reports."""

from __future__ import annotations

from dataclasses import dataclass

# Fastest first, as Blender Studio's and BlenderProc's farms choose.
GPU_BACKENDS = ("OPTIX", "CUDA", "HIP", "ONEAPI", "METAL")


@dataclass(frozen=True)
class DeviceChoice:
    """The Cycles device for one worker: backend ("CPU" or a GPU backend) and device ids."""

    backend: str
    device_ids: tuple[str, ...] = ()

    @property
    def is_gpu(self) -> bool:
        return self.backend != "CPU"


def choose_cycles_device(
    devices_by_backend: dict[str, list[tuple[str, str]]], want_gpu: bool = True
) -> DeviceChoice:
    """Pick the first GPU backend in OPTIX > CUDA > HIP > ONEAPI > METAL with a GPU device.

    `devices_by_backend` maps a backend name to (device id, device type) pairs as Blender's
    `get_devices_for_type` lists them; Blender lists the CPU under GPU backends too, so only
    entries whose type is the backend itself count. Falls back to the CPU.
    """
    if want_gpu:
        for backend in GPU_BACKENDS:
            ids = tuple(dev_id for dev_id, dev_type in devices_by_backend.get(backend, [])
                        if dev_type == backend)
            if ids:
                return DeviceChoice(backend, ids)
    return DeviceChoice("CPU")
