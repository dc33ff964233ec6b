#!/bin/bash
# Real programs that call sendmail, given envoi's "sendmail" link: PHP's mail() (sendmail_path
# with -t -i), git send-email (--smtp-server) and s-nail (mta), each delivering into aiosmtpd
# through the default account; the envelope and the delivered message checked on the server.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_envoi
export XDG_CONFIG_HOME=$T/xdg HOME=$T/home GIT_CONFIG_NOSYSTEM=1 MAILRC=/dev/null
mkdir -p "$T/bin" "$HOME"
ln -s "$ENVOI" "$T/bin/sendmail"
SENDMAIL=$T/bin/sendmail

S=$T/smtp
PORT=$(free_port)
require "aiosmtpd started" start_aiosmtpd "$S" "$PORT" --save "$S/saved"
CONF=$T/envoi.conf
printf '[account main]\nserver = 127.0.0.1:%s\nsecurity = none\ntimeout = 20\nfrom = Web Site <www@example.org>\n' \
    "$PORT" >"$CONF"

N=0
meta() { cat "$(printf '%s/saved/msg-%04d.json' "$S" "$1")" 2>/dev/null; }
eml() { cat "$(printf '%s/saved/msg-%04d.eml' "$S" "$1")" 2>/dev/null; }
jf() { # JSON EXPR
    "${PY[@]}" -c 'import json,sys; d=json.loads(sys.argv[1]); r=eval(sys.argv[2]); print(json.dumps(r) if isinstance(r,(dict,list,bool)) or r is None else r)' "$1" "$2" 2>/dev/null
}
have() { # PROGRAM PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    fail "$1 installed" "install the Debian package $2 (scripts/deps does)"
    return 1
}

# ---- PHP's mail() -----------------------------------------------------------------------------
if have php php-cli; then
    PHP=(timeout -k 5 30 php -n -d "sendmail_path=$SENDMAIL -C $CONF -t -i")
    run "${PHP[@]}" -r 'var_dump(mail("Bob <bob@example.org>", "PHP report", "Line one\n.\nafter a lone dot", "From: Shop <shop@example.org>\r\nBcc: audit@example.org"));'
    assert_eq "PHP mail() returns true" "bool(true)" "$OUT"
    N=$((N + 1))
    M=$(meta $N)
    assert_eq "PHP: the recipients are To and Bcc" '["bob@example.org", "audit@example.org"]' \
        "$(jf "$M" 'd["rcpt_tos"]')"
    assert_eq "PHP: the envelope sender is the account's" www@example.org "$(jf "$M" 'd["mail_from"]')"
    E=$(eml $N)
    assert_contains "PHP: the subject arrives" "$E" "Subject: PHP report"
    assert_contains "PHP: its From is kept" "$E" "From: Shop <shop@example.org>"
    assert_not_contains "PHP: Bcc is gone" "$E" "audit@example.org"
    assert_contains "PHP: a lone dot line stays (-i)" "$E" $'\r\n.\r\nafter a lone dot'
    assert_contains "PHP: a Message-ID was added" "$E" "Message-ID: <"

    run "${PHP[@]}" -r 'var_dump(mail("carol@example.org", "No From", "Plain body"));'
    assert_eq "PHP mail() without From returns true" "bool(true)" "$OUT"
    N=$((N + 1))
    assert_contains "PHP without From: the account's From is added" "$(eml $N)" \
        "From: Web Site <www@example.org>"

    run timeout -k 5 30 php -n -d "sendmail_path=$SENDMAIL -C $T/missing.conf -t -i" \
        -r 'var_dump(mail("bob@example.org", "x", "y"));'
    assert_contains "PHP mail() returns false when sendmail fails (no config)" "$OUT" "bool(false)"
fi

# ---- git send-email ---------------------------------------------------------------------------
if PATH="$(git --exec-path):$PATH" have git-send-email git-email; then
    R=$T/repo
    git init -q "$R"
    G=(git -C "$R" -c user.name='Dev Eloper' -c user.email=dev@example.org)
    printf 'one\n' >"$R/file.txt"
    "${G[@]}" add file.txt && "${G[@]}" commit -qm 'Add file'
    printf 'two\n' >>"$R/file.txt"
    "${G[@]}" commit -qam 'file: a second line'
    "${G[@]}" format-patch -q -1 -o "$T/patches"
    run timeout -k 5 30 "${G[@]}" send-email --confirm=never --suppress-cc=all \
        --smtp-server="$SENDMAIL" --smtp-server-option=-C --smtp-server-option="$CONF" \
        --from='Dev Eloper <dev@example.org>' --to=list@example.org --cc=review@example.org \
        --bcc=archive@example.org --envelope-sender=bounces@example.org "$T"/patches/*.patch
    assert_eq "git send-email succeeds" 0 "$RC"
    N=$((N + 1))
    M=$(meta $N)
    assert_eq "git: the envelope sender is --envelope-sender (-f)" bounces@example.org \
        "$(jf "$M" 'd["mail_from"]')"
    assert_eq "git: the recipients are To, Cc and Bcc" \
        '["list@example.org", "review@example.org", "archive@example.org"]' "$(jf "$M" 'd["rcpt_tos"]')"
    E=$(eml $N)
    assert_contains "git: the patch's subject arrives" "$E" "Subject: [PATCH] file: a second line"
    assert_contains "git: the diff arrives" "$E" $'\r\n+two\r\n'
    assert_not_contains "git: Bcc is not in the message" "$E" "archive@example.org"
    assert_eq "git: its own Message-Id is kept, alone" 1 "$(grep -ci '^Message-Id:' <<<"$E")"
fi

# ---- s-nail -----------------------------------------------------------------------------------
if have s-nail s-nail; then
    run_stdin <(printf 'Hello from s-nail.\n') timeout -k 5 30 s-nail -n -Sv15-compat \
        -Smta="$SENDMAIL" -Smta-arguments="-C $CONF" -s 'mailx subject' \
        -r 'Snail Mail <snail@example.org>' -c dave@example.org erin@example.org
    assert_eq "s-nail sends" 0 "$RC"
    N=$((N + 1))
    M=$(meta $N)
    assert_eq "s-nail: the envelope sender is -r (passed as -f)" snail@example.org \
        "$(jf "$M" 'd["mail_from"]')"
    assert_eq "s-nail: the recipients" '["erin@example.org", "dave@example.org"]' \
        "$(jf "$M" 'd["rcpt_tos"]')"
    E=$(eml $N)
    assert_contains "s-nail: the subject arrives" "$E" "Subject: mailx subject"
    assert_contains "s-nail: the body arrives" "$E" "Hello from s-nail."
    assert_contains "s-nail: its From is kept" "$E" "From: Snail Mail <snail@example.org>"
fi

finish
