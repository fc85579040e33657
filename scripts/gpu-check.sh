#!/usr/bin/env bash
# Builds provpt with the gpu profile and measures the ViT-B/16-shaped graph on the GPU.
# Needs: an NVIDIA driver, CUDA 12 and cuDNN 9 libraries on the loader path (TensorFlow 2.18,
# which TensorFlow Java 1.1.0 wraps, is built against CUDA 12.5 / cuDNN 9.3), Java 17, Maven.
# Prints the GPU, the device TensorFlow created, and one JSON line per configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${GPU_CHECK_OUT:-target/gpu-check}"
mkdir -p "$out"

if ! command -v nvidia-smi >/dev/null; then
  echo "gpu-check: nvidia-smi not found: no NVIDIA driver on this machine" >&2
  exit 1
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"
# TensorFlow opens these with dlopen at run time; without them it silently uses the CPU.
for lib in libcudart.so.12 libcublas.so.12 libcudnn.so.9; do
  ldconfig -p | grep -q "$lib" || echo "gpu-check: warning: $lib is not on the loader path (LD_LIBRARY_PATH or ldconfig)" >&2
done
# The gpu build's native jar (526 MB) comes from Maven Central unless ~/.m2 already holds it.
gpu_jar="$HOME/.m2/repository/org/tensorflow/tensorflow-core-native/1.1.0/tensorflow-core-native-1.1.0-linux-x86_64-gpu.jar"
[[ -f "$gpu_jar" ]] || echo "gpu-check: fetching $(basename "$gpu_jar") from Maven Central (526 MB)" >&2

# TensorFlow logs the devices it creates at INFO level; keep them to prove the GPU was used.
export TF_CPP_MIN_LOG_LEVEL=0
PROVPT_PROFILE=gpu ./provpt bench --no-epoch-cost --no-backbone-bench \
    --vitb-batch "${VITB_BATCH:-32}" --vitb-steps "${VITB_STEPS:-10}" \
    --vitb-prompts-per-block "${VITB_PROMPTS:-0,10,50}" \
    > "$out/bench.jsonl" 2> "$out/tensorflow.log"
if ! grep -m1 'Created device .*GPU' "$out/tensorflow.log"; then
  echo "gpu-check: TensorFlow created no GPU device; see $out/tensorflow.log" >&2
  exit 1
fi
cat "$out/bench.jsonl"
