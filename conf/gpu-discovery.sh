#!/usr/bin/env bash
# Spark GPU discovery script: prints this machine's NVIDIA GPUs as Spark's resource JSON,
#   {"name": "gpu", "addresses": ["0", "1"]}
# with CUDA device ordinals from nvidia-smi, which fbnet's executors map to ND4J devices (GpuDevices).
# Named by spark.worker.resource.gpu.discoveryScript (standalone workers) or
# spark.executor.resource.gpu.discoveryScript (YARN, Kubernetes); see conf/spark-gpu.conf.
set -euo pipefail
if ! command -v nvidia-smi > /dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi not found on PATH; this machine has no NVIDIA driver, or run the worker without GPU settings" >&2
  exit 1
fi
ids=$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ')
if [ -z "$ids" ]; then
  echo "gpu-discovery.sh: nvidia-smi lists no GPU" >&2
  exit 1
fi
printf '{"name": "gpu", "addresses": [%s]}\n' "$(printf '%s\n' "$ids" | sed 's/.*/"&"/' | paste -sd, -)"
