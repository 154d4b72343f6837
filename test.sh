#!/usr/bin/env bash
# The test command of the README: builds everything and runs the whole xunit suite.
# Datasets come from FASTROBUST_DATA when set (CI: ../shared/data), else from the bundled data/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# ptxas and nvdisasm (NVIDIA's assembler and disassembler, CPU programs) for the tests that assemble every GPU kernel
# for sm_80 and sm_90 without a GPU; fetched once into .tools/ (tools/fetch-ptxas.sh says from where).
if ./tools/fetch-ptxas.sh; then
  export FASTROBUST_REQUIRE_PTXAS=1
else
  echo "test.sh: WARNING: could not fetch ptxas; the PtxasTests will be reported as skipped" >&2
fi
dotnet build FastRobust.sln -c Release -v quiet -nologo
dotnet test FastRobust.sln -c Release --no-build -v quiet "$@"
# The op tests once more with AVX-512 switched off in the runtime, so the 256-bit GEMM micro-kernel and
# every other fallback path are exercised on this AVX-512 machine too.
DOTNET_EnableAVX512=0 dotnet test tests/FastRobust.Tests/FastRobust.Tests.csproj -c Release --no-build -v quiet \
  --filter "FullyQualifiedName~OpsTests|FullyQualifiedName~Torch"
