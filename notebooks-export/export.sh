#!/usr/bin/env bash
# Re-exports the walkthrough notebook: builds fbnet and the Java kernel (Maven, profile notebook), installs the kernel
# spec into a private Jupyter path under notebooks-export/target/, executes fbnet-walkthrough.ipynb headless with
# Debian's nbconvert, and writes its HTML export (plots embedded, no outputs in the source notebook).
#   notebooks-export/export.sh                       small subject; writes notebooks-export/fbnet-walkthrough.html
#   notebooks-export/export.sh --size tiny --out DIR the test's run: a tiny subject, HTML and executed notebook in DIR
# Without --out the executed notebook is kept as notebooks-export/target/fbnet-walkthrough.executed.ipynb.
# Environment: FBNET_JUPYTER (default /usr/bin/jupyter), FBNET_HEAP (kernel heap, default 4g),
# FBNET_NOTEBOOK_SKIP_BUILD=1 (the test: Maven already built the kernel and its class path).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
size=small
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "export.sh: unknown argument '$1' (see --help)" >&2; exit 64 ;;
  esac
done
case "$size" in tiny|small) ;; *) echo "export.sh: --size must be tiny or small, got '$size'" >&2; exit 64 ;; esac

# Debian's Jupyter: a pyenv or venv python3 earlier on PATH usually lacks nbconvert.
jupyter="${FBNET_JUPYTER:-/usr/bin/jupyter}"
if ! "$jupyter" nbconvert --version > /dev/null 2>&1; then
  echo "export.sh: '$jupyter nbconvert' does not run; install Debian's jupyter-nbconvert and python3-jupyter-client (or set FBNET_JUPYTER)" >&2
  exit 69
fi

target="$here/target"
if [ "${FBNET_NOTEBOOK_SKIP_BUILD:-0}" != 1 ]; then
  log="$target/build.log"
  mkdir -p "$target"
  echo "export.sh: building fbnet and the notebook kernel (log: $log) ..." >&2
  (cd "$root" && mvn -q -B -ntp -Pnotebook -DskipTests package -pl notebooks-export -am) > "$log" 2>&1 \
    || { tail -40 "$log" >&2; echo "export.sh: build failed (log: $log)" >&2; exit 1; }
fi
[ -f "$target/classpath.txt" ] && [ -d "$target/classes" ] \
  || { echo "export.sh: $target/classpath.txt or classes missing; run without FBNET_NOTEBOOK_SKIP_BUILD" >&2; exit 1; }

# The kernel spec: the kernel JVM gets fbnet's class path and the --add-opens list Spark needs (one home: the root pom).
opens=$(sed -n 's:.*<java17.opens>\(.*\)</java17.opens>.*:\1:p' "$root/pom.xml")
classpath="$target/classes:$(cat "$target/classpath.txt")"
kernel_dir="$target/jupyter/kernels/fbnet-java"
mkdir -p "$kernel_dir"
/usr/bin/python3 - "$kernel_dir/kernel.json" "${FBNET_HEAP:-4g}" "$classpath" $opens <<'EOF'
import json, sys
path, heap, classpath, opens = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
argv = ["java", "-Xmx" + heap, *opens, "-cp", classpath, "org.fbnet.notebook.JavaKernel", "{connection_file}"]
with open(path, "w") as f:
    json.dump({"argv": argv, "display_name": "Java (fbnet)", "language": "java", "interrupt_mode": "message"}, f, indent=1)
EOF

# A fresh working folder per run (generated data and outputs), and Jupyter confined to target/.
mkdir -p "$target"
work="$(mktemp -d "$target/run.XXXXXX")"
export JUPYTER_PATH="$target/jupyter" JUPYTER_DATA_DIR="$work/jupyter-data" JUPYTER_RUNTIME_DIR="$work/jupyter-runtime" \
  JUPYTER_CONFIG_DIR="$work/jupyter-config" FBNET_NOTEBOOK_SIZE="$size" FBNET_NOTEBOOK_WORK="$work"

if [ -n "$out" ]; then mkdir -p "$out"; out="$(cd "$out" && pwd)"; executed_dir="$out"; else out="$here"; executed_dir="$target"; fi
executed="$executed_dir/fbnet-walkthrough.executed.ipynb"
echo "export.sh: executing fbnet-walkthrough.ipynb on a $size subject (work: $work) ..." >&2
# No cell time limit: training time depends on the machine. A cell error stops the export (no stale HTML written).
"$jupyter" nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=fbnet-java \
  --ExecutePreprocessor.timeout=-1 --ExecutePreprocessor.startup_timeout=120 \
  --output-dir "$executed_dir" --output "$(basename "$executed" .ipynb)" "$here/fbnet-walkthrough.ipynb"
"$jupyter" nbconvert --to html --output-dir "$out" --output fbnet-walkthrough "$executed"
rm -rf "$work"
echo "export.sh: wrote $out/fbnet-walkthrough.html (executed notebook: $executed)" >&2
