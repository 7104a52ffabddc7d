from metastudio.core.devices import choose_cycles_device
from metastudio_farm.scheduling.placement import NodeCapacity, WorkerSlot, plan_workers


def test_device_order_prefers_optix_then_cuda():
    listing = {
        "CUDA": [("CUDA_0", "CUDA"), ("CPU", "CPU")],
        "OPTIX": [("OPTIX_0", "OPTIX"), ("CPU", "CPU")],
        "HIP": [],
    }
    choice = choose_cycles_device(listing)
    assert choice.backend == "OPTIX" and choice.device_ids == ("OPTIX_0",)
    del listing["OPTIX"]
    assert choose_cycles_device(listing).backend == "CUDA"


def test_device_falls_back_to_cpu():
    # Blender lists the CPU under GPU backends too; it must not count as a GPU.
    assert choose_cycles_device({"CUDA": [("CPU", "CPU")]}).backend == "CPU"
    assert choose_cycles_device({}).backend == "CPU"
    gpu = {"HIP": [("HIP_0", "HIP")]}
    assert choose_cycles_device(gpu).backend == "HIP"
    assert not choose_cycles_device(gpu, want_gpu=False).is_gpu
    assert choose_cycles_device({"METAL": [("M", "METAL")], "ONEAPI": [("O", "ONEAPI")]}
                                ).backend == "ONEAPI"


def test_one_worker_per_gpu_and_per_cpu_node():
    nodes = [NodeCapacity("gpu-node", cpus=16, gpus=4), NodeCapacity("cpu-node", cpus=8)]
    slots = plan_workers(nodes)
    gpu_slots = [s for s in slots if s.uses_gpu]
    assert len(gpu_slots) == 4 and all(s.num_gpus == 1 and s.num_cpus == 4 for s in gpu_slots)
    assert all(s.node_id == "gpu-node" for s in gpu_slots)
    cpu_slots = [s for s in slots if not s.uses_gpu]
    assert cpu_slots == [WorkerSlot("cpu-node", 8, 0, 8)]  # one worker, all 8 cores
    assert slots[:4] == gpu_slots  # GPU workers first
    split = plan_workers(nodes, cpus_per_worker=1)
    assert [s for s in split if not s.uses_gpu] == [WorkerSlot("cpu-node", 1, 0, 1)] * 8


def test_cpu_only_and_caps():
    nodes = [NodeCapacity("a", cpus=8, gpus=2), NodeCapacity("b", cpus=8)]
    assert all(not s.uses_gpu for s in plan_workers(nodes, use_gpu=False))
    assert len(plan_workers(nodes, use_gpu=False, cpus_per_worker=4)) == 4
    capped = plan_workers([NodeCapacity("a", 4), NodeCapacity("b", 4)], max_workers=2,
                          cpus_per_worker=1)
    assert {s.node_id for s in capped} == {"a", "b"}  # spread, not both on one node
    assert plan_workers([NodeCapacity("head", cpus=0)]) == []
    assert plan_workers([NodeCapacity("head", cpus=0)], cpus_per_worker=1) == []
    assert plan_workers([NodeCapacity("tiny", cpus=1)], cpus_per_worker=2) == []
