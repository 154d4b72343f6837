#!/usr/bin/env bash
# The long fuzzing run of every user-file parser (docs/reliability.md): N mutated inputs per parser (default
# 100000), each of which must load or be refused with an InputException naming the file, within the time and
# memory bounds of tests/FastRobust.Tests/Fuzz/ParserFuzz.cs. Prints one summary line per parser.
#   tools/fuzz.sh [N]            FASTROBUST_FUZZ_SEED=SEED tools/fuzz.sh [N]   (replays a failure's CsCheck seed)
set -euo pipefail
cd "$(dirname "$0")/.."
export FASTROBUST_FUZZ_ITERATIONS="${1:-100000}"
dotnet build tests/FastRobust.Tests/FastRobust.Tests.csproj -c Release -v quiet -nologo
dotnet test tests/FastRobust.Tests/FastRobust.Tests.csproj -c Release --no-build -v quiet --filter "FullyQualifiedName~Fuzz" \
  --logger "console;verbosity=detailed" | grep -E '^ *fuzz |Total tests|Passed:|Failed|CsCheckException|Exception :'
