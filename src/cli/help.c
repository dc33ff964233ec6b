/* Help texts: every option in one line, its default, examples, exit codes. */
#include "cli/help.h"

#include "cli/fetch.h"
#include "cli/fetch_dest.h"

#include "envoi/version.h"

static const char exit_codes[] =
    "Exit status (sysexits.h):\n"
    "  0   sent (with --partial: at least one recipient accepted)\n"
    "  64  usage error: unknown option, bad or missing value\n"
    "  65  bad message data: malformed address, CR/LF in a header, bad domain\n"
    "  66  a file (body, attachment, password file, --raw) cannot be read\n"
    "  69  refused for good: 5xx reply, no recipient accepted, no STARTTLS,\n"
    "      certificate not accepted, no common AUTH mechanism\n"
    "  70  internal error\n"
    "  71  out of memory\n"
    "  75  temporary failure, try again later: 4xx reply, timeout, connection\n"
    "      refused or closed, host name not resolved\n"
    "  76  the server's answer does not follow the protocol, TLS failure\n"
    "  77  authentication refused, or AUTH refused over an unencrypted\n"
    "      connection (see --allow-plaintext-auth)\n"
    "  78  configuration file error, or a failing --password-command or\n"
    "      --oauth-token-command\n";

void cli_help_main(FILE *out)
{
    fprintf(out,
            "envoi %s - email for applications\n"
            "\n"
            "Usage: envoi COMMAND [OPTIONS]\n"
            "       envoi --version | --help\n"
            "\n"
            "Commands:\n"
            "  send      compose a message and send it through an SMTP server\n"
            "  parse     show the structure of messages, mboxes, maildirs (or JSON)\n"
            "  extract   save the attachments of a message into a directory\n"
            "  list      show the messages on a POP3 server\n"
            "  fetch     save the messages of a POP3 server (maildir, mbox, store, JSON)\n"
            "  store     search the mail store and show its messages\n"
            "  help      show the help of a command: envoi help send\n"
            "\n"
            "Options:\n"
            "  -h, --help     show this help\n"
            "  --version      show the version\n"
            "\n"
            "Configuration: --config FILE, else $XDG_CONFIG_HOME/envoi/config\n"
            "(~/.config/envoi/config), else /etc/envoi/config. See envoi(1).\n"
            "\n"
            "%s",
            ENVOI_VERSION_STRING, exit_codes);
}

void cli_help_send(FILE *out)
{
    fputs("Usage: envoi send [OPTIONS]\n"
          "\n"
          "Compose a message from the options (or take one as it is with --raw) and\n"
          "send it through an SMTP server. Options override the account of the\n"
          "config file. Nothing is printed on success unless --json is given.\n"
          "\n"
          "Server:\n"
          "  --server HOST[:PORT]       SMTP server; IPv6 as [::1]:PORT\n"
          "  --port PORT                port (default: 465 with --security tls, 587\n"
          "                             with starttls and a login, else 25)\n"
          "  --security MODE            none, starttls (required, never skipped) or tls\n"
          "                             (default: tls on port 465, starttls when a\n"
          "                             login is given, else none)\n"
          "  --user USER                log in as USER (AUTH)\n"
          "  --password-file FILE       password: the first line of FILE\n"
          "  --password-command CMD     password: the first line CMD prints (sh -c)\n"
          "                             (else the ENVOI_PASSWORD environment variable)\n"
          "  --oauth-token-command CMD  OAuth 2.0 token printed by CMD (XOAUTH2,\n"
          "                             OAUTHBEARER), with --user\n"
          "  --auth MECH                SASL mechanism: PLAIN, LOGIN, CRAM-MD5, XOAUTH2,\n"
          "                             OAUTHBEARER (default: the strongest in common)\n"
          "  --allow-plaintext-auth     allow AUTH over an unencrypted connection\n"
          "                             (refused by default)\n"
          "  --ca-file FILE             trust the CAs in FILE (default: system store)\n"
          "  --crl-file FILE            check revocation against the CRLs in FILE\n"
          "  --ignore-cert LIST         accept certificate faults: invalid (or\n"
          "                             untrusted), name, expired, revocation, all\n"
          "  --timeout SECONDS          wait for each reply (default: 600)\n"
          "  --connect-timeout SECONDS  wait for the connection (default: the timeout)\n"
          "  --helo NAME                name given in EHLO (default: this host's name)\n"
          "\n",
          out);
    fputs("Message:\n"
          "  --from ADDR                author, also the envelope sender (required)\n"
          "  --to ADDR                  recipient; repeatable, or comma-separated\n"
          "  --cc ADDR                  copy recipient; repeatable\n"
          "  --bcc ADDR                 blind copy: gets the message, not in headers\n"
          "  --reply-to ADDR            Reply-To; repeatable\n"
          "  --sender ADDR              Sender (who sends for the author)\n"
          "  --subject TEXT             Subject (UTF-8)\n"
          "  --text FILE|-              plain text body from FILE or standard input\n"
          "  --html FILE                HTML body (with --text: both, as alternatives)\n"
          "  --attach FILE[;name=N][;type=T]\n"
          "                             attach FILE, shown as N, of MIME type T\n"
          "                             (default: base name, type from the extension);\n"
          "                             repeatable\n"
          "  --inline FILE;cid=ID[;type=T]\n"
          "                             inline part the HTML shows as cid:ID; repeatable\n"
          "  --header 'Name: value'     extra header; repeatable\n"
          "  --priority LEVEL           high, normal or low\n"
          "  --sensitivity LEVEL        personal, private or confidential\n"
          "  --read-receipt[=ADDR]      ask for a read receipt to ADDR (default: From)\n"
          "  --read-receipt-to ADDR     the same, ADDR as a separate argument\n"
          "  --in-reply-to ID           In-Reply-To message id\n"
          "  --references ID            References; repeatable, or space-separated\n"
          "  --message-id ID            Message-ID (default: generated)\n"
          "  --raw FILE                 send FILE as it is (no header is added or\n"
          "                             changed); the envelope is --from and --to,\n"
          "                             --cc, --bcc, which are then required\n"
          "\n",
          out);
    fputs("Delivery:\n"
          "  --dsn LIST                 delivery notifications: success,failure,delay\n"
          "                             or never (server needs DSN)\n"
          "  --dsn-ret full|hdrs        what a notification returns of the message\n"
          "  --envid ID                 envelope id quoted in notifications\n"
          "  --partial                  send to the accepted recipients when some are\n"
          "                             refused (default: send to none)\n"
          "\n"
          "Output and configuration:\n"
          "  --dry-run                  print the message to standard output, send\n"
          "                             nothing (no server needed)\n"
          "  --json                     print the result as JSON, also on failure\n"
          "  -v, --verbose              protocol trace on standard error (secrets masked)\n"
          "  --account NAME             use [account NAME] of the config file\n"
          "  --config FILE              config file (default: see envoi --help)\n"
          "  -h, --help                 show this help\n"
          "\n"
          "Addresses are 'a@example.org' or 'Name <a@example.org>'; commas inside a\n"
          "quoted name (\"Doe, Jane\" <j@example.org>) do not split a list.\n"
          "\n",
          out);
    fputs("Examples:\n"
          "  envoi send --server smtp.example.org --user me@example.org \\\n"
          "      --password-file ~/.config/envoi/password --from me@example.org \\\n"
          "      --to you@example.org --subject 'Report' --text report.txt \\\n"
          "      --attach 'q3.pdf;name=Q3 report.pdf'\n"
          "  echo 'Backup done' | envoi send --account work --to ops@example.org \\\n"
          "      --subject 'backup' --text -\n"
          "  envoi send --dry-run --from a@example.org --to b@example.org --text note.txt\n"
          "  envoi send --server [::1]:2525 --raw saved.eml --from a@example.org \\\n"
          "      --to b@example.org --json\n"
          "\n",
          out);
    fputs(exit_codes, out);
}

void cli_help_parse(FILE *out)
{
    fputs("Usage: envoi parse FILE... [--json]\n"
          "\n"
          "Read each FILE and show every message in it: From, To, Subject, Date, the\n"
          "tree of MIME parts with types, sizes and file names, and the defects found\n"
          "(what was malformed and how it was read). Malformed mail is read as mail\n"
          "readers read it; parsing never fails on content.\n"
          "\n"
          "A FILE is a message, an mbox (its first line starts with \"From \"), a\n"
          "maildir (a directory with cur/ and new/), or - for standard input.\n"
          "Everything is streamed: an mbox of any size is read in bounded memory.\n"
          "\n"
          "Options:\n"
          "  --json        one JSON object per message, one per line (JSON Lines)\n"
          "  -h, --help    show this help\n"
          "\n"
          "JSON fields: subject, from, to, cc, reply_to ([{\"name\",\"address\"}]), date\n"
          "(ISO 8601 UTC or null), message_id, parts (each leaf, depth first: path,\n"
          "content_type, charset, disposition, filename, content_id, size, sha256 of\n"
          "the decoded bytes), text and html (the main bodies in UTF-8, at most 1 MiB\n"
          "each, cut at a line end with a body-truncated defect), defects ([{\"name\",\n"
          "\"path\",\"detail\"}]).\n"
          "\n"
          "Examples:\n"
          "  envoi parse message.eml\n"
          "  envoi parse --json ~/Maildir | jq -r .subject\n"
          "  envoi parse --json - < archive.mbox\n"
          "\n"
          "Exit status: 0 read, 64 usage error, 66 a FILE cannot be read (the others\n"
          "are still read), 71 out of memory, 74 the output cannot be written.\n",
          out);
}

void cli_help_extract(FILE *out)
{
    fputs("Usage: envoi extract FILE --dir DIR [--json]\n"
          "\n"
          "Save the attachments of the message in FILE (- for standard input), and its\n"
          "inline parts that have a file name, into DIR (made when missing). Each\n"
          "saved path is printed.\n"
          "\n"
          "File names come from the message, so they are made safe: the base name only\n"
          "(no directory, no \"..\"), no leading dot, control and reserved characters\n"
          "replaced by _, at most 200 bytes with the extension kept; part-PATH.EXT when\n"
          "the part has no usable name. An existing file is never overwritten:\n"
          "\"name (1).ext\", \"name (2).ext\"... are used instead.\n"
          "\n"
          "Options:\n"
          "  --dir DIR     where to save (required)\n"
          "  --json        print {\"dir\", \"files\": [{\"path\", \"part\", \"filename\",\n"
          "                \"content_type\", \"size\", \"sha256\"}]}\n"
          "  -h, --help    show this help\n"
          "\n"
          "Example:\n"
          "  envoi extract invoice.eml --dir ~/Downloads/invoice\n"
          "\n"
          "Exit status: 0 saved (also when there was nothing to save), 64 usage error,\n"
          "66 FILE cannot be read, 71 out of memory, 73 DIR or a file in it cannot be\n"
          "created, 74 a write failed (the partial file is removed).\n",
          out);
}

static const char server_options[] =
    "Server (as for envoi send; options override the config account):\n"
    "  --protocol pop3            the protocol (pop3, the default; imap is not\n"
    "                             supported yet: exit 64)\n"
    "  --server HOST[:PORT]       POP3 server; IPv6 as [::1]:PORT\n"
    "  --port PORT                port (default: 995 with --security tls, else 110)\n"
    "  --security MODE            none, starttls (STLS, required, never skipped) or\n"
    "                             tls (default: tls on port 995, starttls when a\n"
    "                             login is given, else none)\n"
    "  --user USER                log in as USER\n"
    "  --password-file FILE       password: the first line of FILE\n"
    "  --password-command CMD     password: the first line CMD prints (sh -c)\n"
    "                             (else the ENVOI_PASSWORD environment variable)\n"
    "  --oauth-token-command CMD  OAuth 2.0 token printed by CMD, with --user\n"
    "  --auth METHOD              USER, APOP, PLAIN, LOGIN, CRAM-MD5, XOAUTH2,\n"
    "                             OAUTHBEARER (default: the strongest in common)\n"
    "  --allow-plaintext-auth     allow logging in without encryption\n"
    "  --ca-file FILE             trust the CAs in FILE (default: system store)\n"
    "  --crl-file FILE            check revocation against the CRLs in FILE\n"
    "  --ignore-cert LIST         accept certificate faults: invalid, name,\n"
    "                             expired, revocation, all\n"
    "  --timeout SECONDS          wait for each reply (default: 120)\n"
    "  --connect-timeout SECONDS  wait for the connection (default: the timeout)\n"
    "  --account NAME             the [account NAME] of the config file\n"
    "  --config FILE              the config file\n"
    "  -v, --verbose              trace the POP3 dialogue on standard error\n"
    "                             (passwords masked)\n";

_Static_assert(CLI_DEST_HELD_MAX == (size_t)256 << 20, "the help says 256 MiB");

static const char mail_exit_codes[] =
    "Exit status (sysexits.h):\n"
    "  0   done\n"
    "  64  usage error (also --protocol imap: not supported yet)\n"
    "  69  refused for good: -ERR [SYS/PERM], no STLS, certificate not accepted,\n"
    "      no common login method, no UIDL with --unseen\n"
    "  65  (fetch) a message larger than 256 MiB was left on the server: --store\n"
    "      and --json hold each message whole (the others were saved)\n"
    "  73  the destination cannot be created or opened (names the path)\n"
    "  74  writing to the destination failed, e.g. a full disk (names the path);\n"
    "      the messages of the failed batch stay on the server\n"
    "  75  temporary failure, try again later: connection refused or dropped\n"
    "      (even mid-message), timeout, mailbox in use; what was saved before\n"
    "      stays saved, and nothing unsaved is deleted\n"
    "  76  the server's answer does not follow the protocol, TLS failure\n"
    "  77  login refused (wrong password), or refused without encryption\n"
    "  78  configuration file error, or a failing --password-command\n";

void cli_help_list(FILE *out)
{
    fprintf(out,
            "Usage: envoi list [OPTIONS]\n"
            "\n"
            "Show the messages on a POP3 server, one line each: number, UIDL, size,\n"
            "date (UTC), From and Subject (tab separated), read from each message's\n"
            "header (TOP n 0, pipelined). Nothing is changed on the server.\n"
            "\n"
            "%s"
            "  --json                     one JSON object per message: number, uidl,\n"
            "                             size, from, subject, date, message_id\n"
            "  -h, --help                 show this help\n"
            "\n"
            "Examples:\n"
            "  envoi list --server pop.example.org --security tls --user me \\\n"
            "             --password-file ~/.pop-pass\n"
            "  envoi list --account work --json | jq -r .subject\n"
            "\n"
            "%s",
            server_options, mail_exit_codes);
}

void cli_help_fetch(FILE *out)
{
    fprintf(out,
            "Usage: envoi fetch [OPTIONS] --maildir DIR | --mbox FILE | --store DB | --json\n"
            "\n"
            "Retrieve the messages of a POP3 server (pipelined) and save them. Messages\n"
            "are saved in batches (%d messages or %u MiB), each made durable with one\n"
            "sync; only then are they marked seen and, with --delete, deleted on the\n"
            "server. A message is never deleted that was not saved for good.\n"
            "\n"
            "%s"
            "\n"
            "Destination (one):\n"
            "  --maildir DIR              a maildir (created when missing): tmp/, then new/\n"
            "  --mbox FILE                append to an mbox file (mboxrd, locked; the From\n"
            "                             line names the message's Return-Path)\n"
            "  --store DB                 the SQLite mail store (see envoi store)\n"
            "  --json                     print each message as envoi parse --json does\n"
            "Maildir and mbox stream messages of any size to disk; the store and JSON\n"
            "hold each message whole and leave those over 256 MiB on the server (exit 65).\n"
            "\n"
            "Selection:\n"
            "  --unseen                   only messages not fetched before (by UIDL)\n"
            "  --seen-file FILE           where fetched UIDLs are remembered (default:\n"
            "                             $XDG_STATE_HOME/envoi/seen/ACCOUNT, else\n"
            "                             ~/.local/state/envoi/seen/ACCOUNT, ACCOUNT being\n"
            "                             the account name or USER@HOST:PORT)\n"
            "  --limit N                  at most N messages, oldest first\n"
            "  --headers-only             the header block only (TOP n 0)\n"
            "  --delete                   delete the saved messages from the server\n"
            "  -h, --help                 show this help\n"
            "\n"
            "A progress line (count, size, rate) is shown when standard error is a\n"
            "terminal.\n"
            "\n"
            "Examples:\n"
            "  envoi fetch --account home --maildir ~/Mail/inbox --unseen\n"
            "  envoi fetch --server pop.example.org --security tls --user me \\\n"
            "              --password-command 'pass show pop' --store ~/mail.db --delete\n"
            "  envoi fetch --account home --json --limit 10 | jq .subject\n"
            "\n"
            "%s",
            CLI_FETCH_BATCH_MESSAGES, CLI_FETCH_BATCH_BYTES >> 20, server_options, mail_exit_codes);
}

void cli_help_store(FILE *out)
{
    fputs("Usage: envoi store search QUERY --store DB [--json] [--limit N] [--literal]\n"
          "       envoi store show ID --store DB [--raw | --json]\n"
          "\n"
          "Read the mail store that envoi fetch --store fills (SQLite).\n"
          "\n"
          "search  full-text search over subject, addresses and text; one line per\n"
          "        message (id, date, from, subject), newest first. QUERY is FTS5\n"
          "        syntax: words (all must occur), \"a phrase\", OR, NOT, prefix*,\n"
          "        subject:word, addresses:word, body:word.\n"
          "show    one message: its fields and attachments; --raw prints its source\n"
          "        exactly as fetched, --json as envoi parse --json does.\n"
          "\n"
          "Options:\n"
          "  --store DB       the database (required)\n"
          "  --json           JSON Lines output\n"
          "  --limit N        at most N results\n"
          "  --literal        QUERY is plain text: operators and quotes match as words\n"
          "  --raw            (show) the raw message source\n"
          "  -h, --help       show this help\n"
          "\n"
          "Examples:\n"
          "  envoi store search invoice --store ~/mail.db\n"
          "  envoi store search 'subject:report AND addresses:alice' --store ~/mail.db --json\n"
          "  envoi store show 42 --store ~/mail.db --raw > message.eml\n"
          "\n"
          "Exit status: 0 done (also when nothing matched), 64 usage error or a bad\n"
          "query, 66 no such database or message, 70 internal error.\n",
          out);
}

void cli_help_hint(FILE *out, const char *command)
{
    if (command)
        fprintf(out, "Try 'envoi %s --help'.\n", command);
    else
        fputs("Try 'envoi --help'.\n", out);
}
