#!/bin/bash
# cmake --install of the build into a temporary prefix: headers (with the generated version.h),
# shared and static library, the envoi binary and its man pages are there; pkg-config and
# find_package(envoi) both let a small program build against it, link and compose a message.
# A sanitizer build's library needs the sanitizers at link time: the consumers get the flags.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$ENVOI_TESTS/.." && pwd)
BUILD=${ENVOI_BUILD:-$(cd "$(dirname "$ENVOI")/.." && pwd)}
CONSUMER_SRC=$HERE/install
PREFIX=$T/prefix

require "build directory has a CMakeCache.txt ($BUILD)" test -f "$BUILD/CMakeCache.txt"

# Like assert_ok, and true only when CMD succeeded (the later steps depend on it).
step_ok() { # DESCRIPTION CMD...
    local failed_before=$FAILED
    assert_ok "$@"
    ((FAILED == failed_before))
}

cache_value() { # NAME: its value in the build's CMakeCache.txt
    sed -n "s/^$1:[A-Z]*=//p" "$BUILD/CMakeCache.txt" | head -n 1
}

# GNUInstallDirs caches some as empty, meaning their default.
LIBDIR=$(cache_value CMAKE_INSTALL_LIBDIR)
LIBDIR=${LIBDIR:-lib}
INCLUDEDIR=$(cache_value CMAKE_INSTALL_INCLUDEDIR)
INCLUDEDIR=${INCLUDEDIR:-include}
DATAROOTDIR=$(cache_value CMAKE_INSTALL_DATAROOTDIR)
MANDIR=$(cache_value CMAKE_INSTALL_MANDIR)
MANDIR=${MANDIR:-${DATAROOTDIR:-share}/man}
BINDIR=$(cache_value CMAKE_INSTALL_BINDIR)
BINDIR=${BINDIR:-bin}
BUILD_CC=$(cache_value CMAKE_C_COMPILER)
VERSION=$(sed -n 's/^project(envoi VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
SAN=()
if [[ $(cache_value ENVOI_SANITIZE) == ON ]]; then
    SAN=("-fsanitize=address,undefined")
    echo "# sanitizer build: consumers are built with ${SAN[*]} by $BUILD_CC"
fi

# ---- the install tree ---------------------------------------------------------------------
# shellcheck disable=SC2317 # run through require
install_tree() {
    if ! timeout -k 5 60 cmake --install "$BUILD" --prefix "$PREFIX" >"$T/install.log" 2>&1; then
        tail -n 20 "$T/install.log"
        return 1
    fi
}
require "cmake --install into $PREFIX" install_tree

want_headers=$( (
    echo "$INCLUDEDIR/envoi.h"
    for h in "$SRC"/include/envoi/*.h; do
        echo "$INCLUDEDIR/envoi/$(basename "$h")"
    done
    echo "$INCLUDEDIR/envoi/version.h"
) | sort -u)
got_headers=$(cd "$PREFIX" && find "$INCLUDEDIR" -type f | sort)
assert_eq "installed headers: envoi.h and every public envoi/*.h, no more" \
    "$want_headers" "$got_headers"
assert_contains "installed version.h is the generated one, with the project version" \
    "$(cat "$PREFIX/$INCLUDEDIR/envoi/version.h" 2>/dev/null)" \
    "#define ENVOI_VERSION_STRING \"$VERSION\""

LIB=$PREFIX/$LIBDIR
assert_file_exists "shared library libenvoi.so" "$LIB/libenvoi.so"
assert_file_exists "shared library libenvoi.so.$VERSION" "$LIB/libenvoi.so.$VERSION"
assert_file_exists "static library libenvoi.a" "$LIB/libenvoi.a"
assert_contains "libenvoi.so has the soname libenvoi.so.${VERSION%%.*}" \
    "$(readelf -d "$LIB/libenvoi.so" 2>&1)" "[libenvoi.so.${VERSION%%.*}]"
assert_ok "libenvoi.so exports envoi_message_new" \
    bash -c "nm -D --defined-only '$LIB/libenvoi.so' | grep -qw envoi_message_new"
assert_ok "$BINDIR/envoi is executable" test -x "$PREFIX/$BINDIR/envoi"
assert_ok "$BINDIR/envoid is executable" test -x "$PREFIX/$BINDIR/envoid"
for page in envoi envoi-send envoi-queue envoi-watch; do
    assert_file_exists "man page $page.1" "$PREFIX/$MANDIR/man1/$page.1"
done
assert_file_exists "man page envoid.8" "$PREFIX/$MANDIR/man8/envoid.8"
for f in envoiConfig.cmake envoiConfigVersion.cmake envoiTargets.cmake; do
    assert_file_exists "CMake package file $f" "$LIB/cmake/envoi/$f"
done
assert_file_exists "pkg-config file envoi.pc" "$LIB/pkgconfig/envoi.pc"

assert_exit 0 "installed envoi --version" "$PREFIX/$BINDIR/envoi" --version
assert_contains "installed envoi --version prints the version" "$OUT" "$VERSION"

# Each public header compiles on its own, as C11 and as C++.
for h in $got_headers; do
    name=${h#"$INCLUDEDIR"/}
    assert_ok "$name compiles alone (C11, -Wpedantic -Werror)" bash -c \
        "printf '#include <$name>\n' | '$BUILD_CC' -std=c11 -Wall -Wextra -Wpedantic -Werror \
         -fsyntax-only -I'$PREFIX/$INCLUDEDIR' -x c -"
    if command -v c++ >/dev/null; then
        assert_ok "$name compiles alone (C++)" bash -c \
            "printf '#include <$name>\n' | c++ -Wall -Wextra -Wpedantic -Werror -fsyntax-only \
             -I'$PREFIX/$INCLUDEDIR' -x c++ -"
    fi
done

# ---- pkg-config -------------------------------------------------------------------------
export PKG_CONFIG_PATH=$LIB/pkgconfig
pc_flags=""
if command -v pkg-config >/dev/null; then
    assert_exit 0 "pkg-config --cflags --libs envoi" pkg-config --cflags --libs envoi
    pc_flags=$OUT
    assert_contains "pkg-config: include dir of the prefix" "$pc_flags" "-I$PREFIX/$INCLUDEDIR"
    assert_contains "pkg-config: library dir of the prefix" "$pc_flags" "-L$LIB"
    assert_contains "pkg-config: -lenvoi" "$pc_flags" "-lenvoi"
    assert_eq "pkg-config --modversion envoi" "$VERSION" "$(pkg-config --modversion envoi)"
    assert_eq "pkg-config: private requirements for static linking" \
        "libcrypto libidn2 libpsl libssl sqlite3" \
        "$(pkg-config --print-requires-private envoi | awk '{print $1}' | sort | xargs)"
else
    fail "pkg-config installed" "pkg-config not found (Debian package pkgconf)"
fi

# ---- a consumer program -----------------------------------------------------------------
printf 'Hello from a program built against the installed envoi.\n' >"$T/expected.txt"
printf '\000\001\002\376\377envoi' >"$T/expected.bin"

# Run a built consumer and check the message it prints, decoded by Python's email package.
check_consumer() { # LABEL PROGRAM
    local label=$1 program=$2
    assert_exit 0 "$label: runs" env LD_LIBRARY_PATH="$LIB" "$program"
    cp "$T/.out" "$T/$label.eml"
    assert_contains "$label: headers and library report version $VERSION" "$ERR" \
        "envoi headers $VERSION, library $VERSION"
    assert_contains "$label: MIME-Version header" "$OUT" $'\nMIME-Version: 1.0\r'
    assert_matches "$label: UTF-8 subject as RFC 2047 encoded-words" "$OUT" \
        '^Subject: .*=\?utf-8\?[bq]\?[^?]+\?='
    assert_contains "$label: multipart/mixed with the attachment" "$OUT" "multipart/mixed"
    run_checker "${CHECK_MAIL[@]}" "$T/$label.eml" --label "$label" \
        --subject 'Grüße aus envoi ✓' --from sender@example.org --to rcpt@example.org \
        --text "$T/expected.txt" --attach "data.bin=$T/expected.bin"
}

# (a) pkg-config, shared library
if [[ -n $pc_flags ]]; then
    # shellcheck disable=SC2086 # pkg-config's flags are words
    if step_ok "pkg-config consumer compiles and links against libenvoi.so" \
        "$BUILD_CC" -std=c11 -Wall -Wextra -Wpedantic -Werror "${SAN[@]}" \
        -o "$T/consumer-pc" "$CONSUMER_SRC/consumer.c" $pc_flags; then
        assert_contains "pkg-config consumer loads libenvoi.so from the prefix" \
            "$(LD_LIBRARY_PATH=$LIB ldd "$T/consumer-pc")" "$LIB/libenvoi.so.${VERSION%%.*}"
        check_consumer pkg-config "$T/consumer-pc"
    fi
fi

# (b) find_package(envoi) with the exported targets
CMAKE_ARGS=(-DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_C_COMPILER="$BUILD_CC"
    -DCMAKE_BUILD_TYPE=Debug -DENVOI_EXPECT_VERSION="$VERSION")
if ((${#SAN[@]})); then
    CMAKE_ARGS+=(-DCMAKE_C_FLAGS="${SAN[*]}" -DCMAKE_EXE_LINKER_FLAGS="${SAN[*]}")
fi
targets=$(cat "$LIB/cmake/envoi/envoiTargets.cmake" 2>/dev/null)
assert_contains "envoiTargets.cmake exports envoi::envoi" "$targets" "add_library(envoi::envoi SHARED"
assert_contains "envoiTargets.cmake exports envoi::envoi_static" "$targets" \
    "add_library(envoi::envoi_static STATIC"
CB=$T/consumer-cmake
if step_ok "find_package(envoi $VERSION) configures the consumer project" \
    cmake -S "$CONSUMER_SRC" -B "$CB" "${CMAKE_ARGS[@]}"; then
    assert_eq "find_package found the package in the prefix" "$LIB/cmake/envoi" \
        "$(sed -n 's/^envoi_DIR:PATH=//p' "$CB/CMakeCache.txt")"
    if step_ok "CMake consumer builds (envoi::envoi and envoi::envoi_static)" \
        cmake --build "$CB"; then
        assert_contains "envoi::envoi consumer loads libenvoi.so from the prefix" \
            "$(LD_LIBRARY_PATH=$LIB ldd "$CB/consumer")" "$LIB/libenvoi.so.${VERSION%%.*}"
        check_consumer cmake-shared "$CB/consumer"
        assert_not_contains "envoi::envoi_static consumer needs no libenvoi.so" \
            "$(ldd "$CB/consumer_static")" "libenvoi"
        check_consumer cmake-static "$CB/consumer_static"
    fi
fi
run timeout -k 5 30 cmake -S "$CONSUMER_SRC" -B "$T/consumer-too-new" "${CMAKE_ARGS[@]}" \
    -DENVOI_EXPECT_VERSION=999.0
if [[ $RC != 0 && $ERR$OUT == *"999.0"* ]]; then
    pass "find_package(envoi 999.0) is refused: the version file is installed and used"
else
    fail "find_package(envoi 999.0) is refused" "exit $RC" "$(tail -n 5 <<<"$ERR")"
fi

finish
