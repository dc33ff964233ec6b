#!/bin/bash
# The C examples of README.md compile, warning-free, against envoi's public headers: every
# ```c block is extracted and built with -std=c11 -Wall -Wextra -Wpedantic -Werror.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$ENVOI_TESTS/.." && pwd)
BUILD=${ENVOI_BUILD:-$ROOT/build}
README=$ROOT/README.md
CC=${CC:-cc}
command -v "$CC" >/dev/null || CC=gcc

# Each ```c block into $T/example-N.c; prints how many.
"${PY[@]}" - "$README" "$T" <<'PYEOF' >"$T/count"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"^```c\n(.*?)^```", text, re.S | re.M)
for i, b in enumerate(blocks, 1):
    open(f"{sys.argv[2]}/example-{i}.c", "w", encoding="utf-8").write(b)
print(len(blocks))
PYEOF
N=$(cat "$T/count")
assert_matches "README.md has C examples (an SMTP and an IMAP one at least)" "$N" '^([2-9]|[1-9][0-9]+)$'
for ((i = 1; i <= N; i++)); do
    assert_exit 0 "README example $i compiles" "$CC" -std=c11 -Wall -Wextra -Wpedantic -Werror \
        -I"$ROOT/include" -I"$BUILD/include" -c "$T/example-$i.c" -o "$T/example-$i.o"
done
assert_contains "an example reads over IMAP" "$(cat "$T"/example-*.c)" "envoi_imap_read_next"
finish
