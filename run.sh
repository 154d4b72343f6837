#!/usr/bin/env bash
# Builds the FastRobust CLI in Release when its sources changed, then runs it.
#   ./run.sh              the default job: the `quick` study preset (a small zoo trained, attacked, measured and
#                         correlated in about five minutes; CIFAR-10 when found, else the bundled MNIST)
#   ./run.sh VERB ...     any verb: study, report, merge, train, attack, measure, ... (./run.sh --help lists them)
# Runs on the CPU when there is no GPU. Datasets are found under data/ or where FASTROBUST_DATA points.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dll="$here/src/FastRobust.Cli/bin/Release/net10.0/FastRobust.Cli.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

stale() {
  [ ! -f "$dll" ] && return 0
  [ -n "$(find "$here/src" "$here/kernels" "$here/Directory.Build.props" -newer "$dll" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -print -quit 2>/dev/null)" ]
}
if stale; then
  echo "building FastRobust (Release)..." >&2
  dotnet build "$here/src/FastRobust.Cli/FastRobust.Cli.csproj" -c Release -v quiet -nologo >&2
fi

if [ $# -eq 0 ]; then
  set -- study --preset quick --out runs/quick
  echo "default job: ./run.sh $*" >&2
fi
exec dotnet "$dll" "$@"
