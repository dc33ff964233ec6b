/* Help texts: every option in one line, its default, examples, exit codes. */
#include "cli/help.h"

#include <stdbool.h>

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
            "  list      show the messages on a POP3 server or in an IMAP folder\n"
            "  fetch     save POP3 or IMAP messages (maildir, mbox, store, JSON)\n"
            "  store     search the mail store and show its messages\n"
            "  folders   list, create, delete, rename, subscribe IMAP folders\n"
            "  flag      add or remove flags (seen, flagged, keywords) on IMAP messages\n"
            "  move      move or copy IMAP messages into another folder\n"
            "  watch     wait for new IMAP mail (IDLE): print it or fetch it\n"
            "  queue     the spooler's queue: list, show, status, retry, cancel, pause\n"
            "  sendmail  send a message read on standard input, as sendmail does\n"
            "  check-address  check email addresses: syntax, domain (DNS), server\n"
            "  mailto    build a mailto: link, open the mail program with it, or parse one\n"
            "  dkim      DKIM: sign a message, or verify the signatures of messages\n"
            "  smime     sign, encrypt, verify, decrypt messages with S/MIME certificates\n"
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
          "  --password-file FILE       password: the first line of FILE (mode 0600)\n"
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
    fputs("Signing and encryption (S/MIME first, then DKIM over the result):\n"
          "  --dkim-domain D            DKIM-sign as domain D (d=); the three --dkim\n"
          "  --dkim-selector S          options go together (or come from the account's\n"
          "  --dkim-key FILE            dkim-domain, dkim-selector, dkim-key): selector\n"
          "                             S (s=), private key FILE (PEM, RSA or Ed25519,\n"
          "                             mode 0600)\n"
          "  --smime-sign               S/MIME-sign (multipart/signed) with --smime-cert\n"
          "  --smime-cert FILE          our certificate (PEM; account key smime-cert)\n"
          "  --smime-key FILE           its private key (default: in the certificate\n"
          "                             file; account key smime-key)\n"
          "  --smime-encrypt-to CERT    S/MIME-encrypt to CERT's owner; repeatable; with\n"
          "                             a certificate of ours, also to ourselves\n"
          "  --smime-cipher NAME        aes-256-gcm (default), aes-128-gcm, aes-256-cbc,\n"
          "                             aes-128-cbc\n"
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
          "                             nothing (no server needed); signed and\n"
          "                             encrypted as it would be sent\n"
          "  --async                    hand the message to envoid, the spooler, and\n"
          "                             print its id (see envoi queue); envoid delivers\n"
          "                             it through its relay. No SMTP option applies\n"
          "  --spooler URL              envoid's address for --async (default: [spool]\n"
          "                             listen of the config file, else 127.0.0.1:8025;\n"
          "                             token: [spool] token-file)\n"
          "  --json                     print the result as JSON, also on failure\n"
          "  -v, --verbose              protocol trace on standard error (secrets masked)\n"
          "  --trace FILE               the same trace, time-stamped, into FILE (mode 0600)\n"
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
          "  envoi send --async --from a@example.org --to b@example.org --text note.txt\n"
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

/* The server options, in pieces: "envoi list" and "fetch" speak POP3 or
 * IMAP, "folders", "flag", "move" and "watch" IMAP only. */
static const char server_head[] =
    "Server (as for envoi send; options override the config account):\n";
static const char mail_protocol[] =
    "  --protocol pop3|imap       the protocol (default: pop3)\n"
    "  --folder NAME              (imap) the folder, UTF-8 (default: INBOX)\n"
    "  --server HOST[:PORT]       POP3 or IMAP server; IPv6 as [::1]:PORT\n"
    "  --port PORT                port (default: 995 with --security tls, else 110;\n"
    "                             imap: 993, else 143)\n"
    "  --security MODE            none, starttls (STLS / STARTTLS, required, never\n"
    "                             skipped) or tls (default: tls on port 995 or\n"
    "                             993, starttls when a login is given, else none)\n";
static const char imap_protocol[] =
    "  --server HOST[:PORT]       IMAP server; IPv6 as [::1]:PORT\n"
    "  --port PORT                port (default: 993 with --security tls, else 143)\n"
    "  --security MODE            none, starttls (required, never skipped) or tls\n"
    "                             (default: tls on port 993, starttls when a login\n"
    "                             is given, else none)\n";
static const char server_login[] =
    "  --user USER                log in as USER\n"
    "  --password-file FILE       password: the first line of FILE (mode 0600)\n"
    "  --password-command CMD     password: the first line CMD prints (sh -c)\n"
    "                             (else the ENVOI_PASSWORD environment variable)\n"
    "  --oauth-token-command CMD  OAuth 2.0 token printed by CMD, with --user\n";
static const char mail_auth[] =
    "  --auth METHOD              USER, APOP, PLAIN, LOGIN, CRAM-MD5, XOAUTH2,\n"
    "                             OAUTHBEARER; imap: LOGIN-COMMAND for the LOGIN\n"
    "                             command (default: the strongest in common)\n";
static const char imap_auth[] =
    "  --auth METHOD              PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER, or\n"
    "                             LOGIN-COMMAND for the LOGIN command (default:\n"
    "                             the strongest in common)\n";
static const char server_tail[] =
    "  --allow-plaintext-auth     allow logging in without encryption\n"
    "  --ca-file FILE             trust the CAs in FILE (default: system store)\n"
    "  --crl-file FILE            check revocation against the CRLs in FILE\n"
    "  --ignore-cert LIST         accept certificate faults: invalid, name,\n"
    "                             expired, revocation, all\n"
    "  --timeout SECONDS          wait for each reply (default: 120)\n"
    "  --connect-timeout SECONDS  wait for the connection (default: the timeout)\n"
    "  --account NAME             the [account NAME] of the config file\n"
    "  --config FILE              the config file\n";
static const char mail_trace[] =
    "  -v, --verbose              trace the POP3 or IMAP dialogue on standard error\n"
    "                             (passwords masked)\n"
    "  --trace FILE               the same trace, time-stamped, into FILE (mode 0600)\n";
static const char imap_trace[] =
    "  -v, --verbose              trace the IMAP dialogue on standard error\n"
    "                             (passwords masked)\n"
    "  --trace FILE               the same trace, time-stamped, into FILE (mode 0600)\n";

static void print_server_options(FILE *out, bool imap_only)
{
    fputs(server_head, out);
    fputs(imap_only ? imap_protocol : mail_protocol, out);
    fputs(server_login, out);
    fputs(imap_only ? imap_auth : mail_auth, out);
    fputs(server_tail, out);
    fputs(imap_only ? imap_trace : mail_trace, out);
}

/* Exit status of the IMAP-only commands, in pieces. */
static const char imap_exit_plain[] = "Exit status (sysexits.h):\n"
                                      "  0   done\n"
                                      "  64  usage error\n";
static const char imap_exit_pick[] =
    "Exit status (sysexits.h):\n"
    "  0   done (also when no message matched: said on standard error)\n"
    "  64  usage error: no UIDs and no selection, a bad UID set, flag or date\n";
static const char imap_exit_refused[] =
    "  69  refused for good: a NO from the server (its words are shown), no\n"
    "      STARTTLS, certificate not accepted, no common login method\n";
static const char imap_exit_tail[] =
    "  75  temporary failure, try again later: connection refused or dropped,\n"
    "      timeout, mailbox in use\n"
    "  76  the server's answer does not follow the protocol, TLS failure\n"
    "  77  login refused, or the folder is read-only on the server\n"
    "  78  configuration file error, or a failing --password-command\n";

_Static_assert(CLI_DEST_HELD_MAX == (size_t)256 << 20, "the help says 256 MiB");

static const char mail_exit_codes[] =
    "Exit status (sysexits.h):\n"
    "  0   done\n"
    "  64  usage error\n"
    "  69  refused for good: -ERR [SYS/PERM], a NO, no STLS / STARTTLS,\n"
    "      certificate not accepted, no common login method, no UIDL with\n"
    "      --unseen (pop3), no such folder (imap)\n"
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
    fputs("Usage: envoi list [OPTIONS]\n"
          "\n"
          "Show the messages on a POP3 server, one line each: number, UIDL, size,\n"
          "date (UTC), From and Subject (tab separated), read from each message's\n"
          "header (TOP n 0, pipelined). With --protocol imap, the messages of the\n"
          "folder (EXAMINE): UID, size, date, From and Subject from the server's\n"
          "envelopes. Nothing is changed on the server.\n"
          "\n",
          out);
    print_server_options(out, false);
    fprintf(out,
            "  --json                     one JSON object per message: number, uidl,\n"
            "                             size, from, subject, date, message_id (imap:\n"
            "                             uid, size, seen, from, subject, date,\n"
            "                             message_id)\n"
            "  -h, --help                 show this help\n"
            "\n"
            "Examples:\n"
            "  envoi list --server pop.example.org --security tls --user me \\\n"
            "             --password-file ~/.pop-pass\n"
            "  envoi list --account work --json | jq -r .subject\n"
            "\n"
            "%s",
            mail_exit_codes);
}

void cli_help_fetch(FILE *out)
{
    fprintf(out,
            "Usage: envoi fetch [OPTIONS] --maildir DIR | --mbox FILE | --store DB | --json\n"
            "\n"
            "Retrieve the messages of a POP3 server or an IMAP folder (pipelined) and\n"
            "save them. Messages are saved in batches (%d messages or %u MiB), each\n"
            "made durable with one sync; only then are they marked seen (imap: the\n"
            "\\Seen flag, except with --headers-only) and, with --delete, deleted on\n"
            "the server (imap: \\Deleted, then UID EXPUNGE, or EXPUNGE when the server\n"
            "lacks UIDPLUS). A message is never deleted that was not saved for good.\n"
            "\n",
            CLI_FETCH_BATCH_MESSAGES, CLI_FETCH_BATCH_BYTES >> 20);
    print_server_options(out, false);
    fprintf(out,
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
            "  --unseen                   only messages not fetched before (pop3: by UIDL;\n"
            "                             imap: those without \\Seen)\n"
            "  --seen-file FILE           (pop3) where fetched UIDLs are remembered (default:\n"
            "                             $XDG_STATE_HOME/envoi/seen/ACCOUNT, else\n"
            "                             ~/.local/state/envoi/seen/ACCOUNT, ACCOUNT being\n"
            "                             the account name or USER@HOST:PORT)\n"
            "  --limit N                  at most N messages, oldest first\n"
            "  --headers-only             the header block only (TOP n 0; imap:\n"
            "                             BODY.PEEK[HEADER], the folder examined)\n"
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
            "  envoi fetch --protocol imap --server imap.example.org --user me \\\n"
            "              --password-file ~/.imap-pass --folder Archive --maildir ~/Mail/a\n"
            "\n"
            "%s",
            mail_exit_codes);
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

void cli_help_folders(FILE *out)
{
    fputs("Usage: envoi folders list [--status] [--json] [OPTIONS]\n"
          "       envoi folders create NAME [OPTIONS]\n"
          "       envoi folders delete NAME [OPTIONS]\n"
          "       envoi folders rename OLD NEW [OPTIONS]\n"
          "       envoi folders subscribe|unsubscribe NAME [OPTIONS]\n"
          "\n"
          "Manage the folders of an IMAP account. Names are UTF-8 (sent in modified\n"
          "UTF-7), with the server's hierarchy delimiter between levels (\"Work/2026\").\n"
          "list prints one line per folder: name, delimiter (- when flat) and\n"
          "attributes (\\HasChildren, and the special use: \\Sent \\Trash \\Drafts \\Junk\n"
          "\\Archive \\All \\Flagged; - when none), tab separated. The other actions\n"
          "print nothing; a refusal prints the server's words.\n"
          "\n",
          out);
    print_server_options(out, true);
    fputs("  --status                   (list) add the message and unseen counts of\n"
          "                             each folder (STATUS; - for \\Noselect)\n"
          "  --json                     (list) one JSON object per folder: name, wire,\n"
          "                             delimiter, attributes, special_use,\n"
          "                             selectable (and messages, unseen)\n"
          "  -h, --help                 show this help\n"
          "\n"
          "The protocol is imap (--protocol pop3 is a usage error).\n"
          "\n"
          "Examples:\n"
          "  envoi folders list --account work --status\n"
          "  envoi folders create \"Reçus/2026\" --account work\n"
          "  envoi folders rename Old Archive/Old --account work\n"
          "\n",
          out);
    fputs(imap_exit_plain, out);
    fputs(imap_exit_refused, out);
    fputs("      (folders: it does not exist, already exists, or cannot be deleted)\n", out);
    fputs(imap_exit_tail, out);
}

static const char pick_head[] =
    "Messages (UIDs, a selection, or both: the UIDs that also match):\n"
    "  UIDS                       UID sets: 4  7:12  4,9,20:*  (* is the highest)\n"
    "  --all                      every message of the folder\n"
    "  --unseen                   messages without \\Seen\n"
    "  --flagged                  messages with \\Flagged\n"
    "  --from TEXT                From contains TEXT\n";
static const char pick_tail[] =
    "  --subject TEXT             Subject contains TEXT\n"
    "  --text TEXT                the header or the body contains TEXT\n"
    "  --since YYYY-MM-DD         received on or after that day (internal date)\n"
    "  --before YYYY-MM-DD        received before that day\n"
    "With neither UIDs nor a selection nothing is done (exit 64): --all says\n"
    "\"the whole folder\" out loud.\n";

/* The selection options; "envoi move" names its destination with --to. */
static void print_pick_options(FILE *out, bool with_to)
{
    fputs(pick_head, out);
    fputs(with_to ? "  --to TEXT, --recipient TEXT\n"
                    "                             To contains TEXT\n"
                  : "  --recipient TEXT           To contains TEXT (--to is the destination)\n",
          out);
    fputs(pick_tail, out);
}

void cli_help_flag(FILE *out)
{
    fputs("Usage: envoi flag [UIDS...] [SELECTION] [--add FLAGS] [--remove FLAGS]\n"
          "                  [--expunge] [--folder NAME] [OPTIONS]\n"
          "\n"
          "Add or remove flags on messages of an IMAP folder (UID STORE). FLAGS is a\n"
          "comma list of seen, answered, flagged, deleted, draft (any case, a leading\n"
          "backslash allowed) and keywords (IMAP atoms such as $Label1 or Junk). A\n"
          "read-only folder, or a flag the folder cannot keep (PERMANENTFLAGS), is\n"
          "refused before anything changes. Nothing is printed unless --json or -v.\n"
          "\n",
          out);
    print_pick_options(out, true);
    fputs("\n"
          "Changes:\n"
          "  --add FLAGS                set these flags and keywords\n"
          "  --remove FLAGS             clear these flags and keywords\n"
          "  --expunge                  with --add deleted: remove those messages for\n"
          "                             good (UID EXPUNGE; needs UIDPLUS)\n"
          "  --folder NAME              the folder, UTF-8 (default: INBOX)\n"
          "  --json                     print {\"folder\", \"uids\", \"added\", \"removed\"}\n"
          "  -h, --help                 show this help\n"
          "\n",
          out);
    print_server_options(out, true);
    fputs("\n"
          "Examples:\n"
          "  envoi flag 4 7:12 --add seen --account work\n"
          "  envoi flag --from news@example.org --add 'seen,$News' --account work\n"
          "  envoi flag --unseen --before 2026-01-01 --add seen --json --account work\n"
          "  envoi flag --subject 'cron' --add deleted --expunge --folder Alerts\n"
          "\n",
          out);
    fputs(imap_exit_pick, out);
    fputs(imap_exit_refused, out);
    fputs("      (flag: no such folder, a flag it cannot keep (PERMANENTFLAGS), or\n"
          "      --expunge without UIDPLUS)\n",
          out);
    fputs(imap_exit_tail, out);
}

void cli_help_move(FILE *out)
{
    fputs("Usage: envoi move [UIDS...] [SELECTION] --to FOLDER [--copy] [--folder NAME]\n"
          "                  [OPTIONS]\n"
          "\n"
          "Move messages of an IMAP folder into another (UID MOVE; without MOVE the\n"
          "server gets UID COPY, then \\Deleted and UID EXPUNGE of those messages),\n"
          "or copy them with --copy (UID COPY, the folder only examined). The\n"
          "destination must exist. Nothing is printed unless --json or -v.\n"
          "\n",
          out);
    print_pick_options(out, false);
    fputs("\n"
          "Destination:\n"
          "  --to FOLDER                the destination folder, UTF-8 (required)\n"
          "  --copy                     copy: leave the messages where they are\n"
          "  --folder NAME              the folder they are in (default: INBOX)\n"
          "  --json                     print {\"folder\", \"to\", \"uids\", \"copied\"}\n"
          "  -h, --help                 show this help\n"
          "\n",
          out);
    print_server_options(out, true);
    fputs("\n"
          "Examples:\n"
          "  envoi move 12 15:18 --to Archive --account work\n"
          "  envoi move --from billing@example.org --to \"Factures/2026\" --account work\n"
          "  envoi move --all --folder Junk --to Trash --json --account work\n"
          "  envoi move --since 2026-03-01 --subject report --to Reports --copy\n"
          "\n",
          out);
    fputs(imap_exit_pick, out);
    fputs(imap_exit_refused, out);
    fputs("      (move: no such folder; a missing destination: create it with envoi\n"
          "      folders create)\n",
          out);
    fputs(imap_exit_tail, out);
}

void cli_help_watch(FILE *out)
{
    fputs("Usage: envoi watch [OPTIONS] [--maildir DIR | --mbox FILE | --store DB]\n"
          "\n"
          "Wait for new mail in an IMAP folder and print or fetch it as it arrives.\n"
          "The folder is watched with IDLE (RFC 2177), renewed every 25 minutes;\n"
          "without IDLE the server is asked with NOOP every --poll seconds. Each new\n"
          "message (a UID above the highest seen) is printed as envoi list --protocol\n"
          "imap prints it (UID, size, date, From, Subject, tab separated), or with a\n"
          "destination fetched as envoi fetch does: saved in durable batches, and only\n"
          "then flagged \\Seen. A dropped connection is made again with a growing\n"
          "pause (1, 2, 4... up to 60 seconds, said on standard error). SIGINT and\n"
          "SIGTERM end it with LOGOUT and exit 0.\n"
          "\n"
          "Options:\n"
          "  --folder NAME              the folder, UTF-8 (default: INBOX)\n"
          "  --maildir DIR              save new mail into a maildir\n"
          "  --mbox FILE                append new mail to an mbox file\n"
          "  --store DB                 save new mail into the mail store\n"
          "  --headers-only             (with a destination) the header blocks only\n"
          "  --json                     (without a destination) one JSON object per new\n"
          "                             message, as envoi list --json prints\n"
          "  --unseen                   at start, also handle the messages already there\n"
          "                             without \\Seen\n"
          "  --once                     return after the first batch of new mail\n"
          "  --exec CMD                 run CMD (sh -c) after each batch, with\n"
          "                             ENVOI_NEW_COUNT (the number of new messages)\n"
          "                             in its environment\n"
          "  --idle-minutes N           renew IDLE every N minutes (1 to 29, default 25)\n"
          "  --poll SECONDS             without IDLE, ask every SECONDS (default 60)\n"
          "  -h, --help                 show this help\n"
          "\n",
          out);
    print_server_options(out, true);
    fputs("\n"
          "Output is flushed after each message, so pipes see mail as it comes. A\n"
          "status line is shown when standard error is a terminal.\n"
          "\n"
          "Examples:\n"
          "  envoi watch --account work\n"
          "  envoi watch --account work --maildir ~/Mail/work --unseen\n"
          "  envoi watch --account work --json | jq -r .subject\n"
          "  envoi watch --account home --once --exec 'notify-send \"$ENVOI_NEW_COUNT new\"'\n"
          "\n"
          "Exit status (sysexits.h):\n"
          "  0   ended by SIGINT or SIGTERM, or (--once) after the first batch\n"
          "  64  usage error\n"
          "  69  refused for good: no such folder, no STARTTLS, certificate not\n"
          "      accepted, no common login method\n"
          "  73  the destination cannot be created or opened\n"
          "  74  writing to the destination failed (those messages stay unseen)\n"
          "  75  (--once) the connection dropped; without --once it is made again\n"
          "  76  the server's answer does not follow the protocol, TLS failure\n"
          "  77  login refused\n"
          "  78  configuration file error, or a failing --password-command\n",
          out);
}

void cli_help_queue(FILE *out)
{
    fputs("Usage: envoi queue list [--status S] [--search TEXT] [--limit N] [--offset N]\n"
          "       envoi queue show ID | status ID | retry ID | cancel ID\n"
          "       envoi queue pause | resume | stats\n"
          "\n"
          "Look into the queue of envoid, the spooler, and act on it, through its HTTP\n"
          "API. envoid is found at --spooler, else at 'listen' of the [spool] section\n"
          "of the config file, else at 127.0.0.1:8025; the bearer token, when envoid\n"
          "wants one, is the first line of [spool] token-file (or --token-file).\n"
          "\n"
          "Subcommands:\n"
          "  list        the messages, newest first: ID, STATUS, TRIES, SUBMITTED (UTC),\n"
          "              FROM, SUBJECT\n"
          "  show ID     a message: status, dates, reason, each recipient with the\n"
          "              relay's reply, each delivery attempt\n"
          "  status ID   one word: pending, sent, error or cancelled\n"
          "  retry ID    try a pending or failed message again now\n"
          "  cancel ID   cancel a pending message: it will not be sent\n"
          "  pause       refuse new submissions (pending mail is still delivered)\n"
          "  resume      accept new submissions again\n"
          "  stats       how many messages are pending, sent, failed, cancelled and due\n"
          "              now, and whether submissions are paused\n"
          "\n"
          "Options:\n"
          "  --status S            (list) only pending, sent, error or cancelled\n"
          "  --search TEXT         (list) only messages whose sender, recipients or\n"
          "                        subject contain TEXT\n"
          "  --limit N             (list) at most N messages, 0 to 1000 (default 50)\n"
          "  --offset N            (list) skip the N newest first\n"
          "  --json                print envoid's answer as JSON on one line (status:\n"
          "                        {\"id\",\"status\",\"attempts\",\"next_try\",\"done\",\n"
          "                        \"reason\"})\n"
          "  --spooler URL         envoid's address: http://HOST:PORT or HOST:PORT\n"
          "  --listen ADDR:PORT    the same, as envoid's --listen is written\n"
          "  --token-file FILE     the bearer token: the first line of FILE\n"
          "  --timeout SECONDS     wait for the connection and each answer (default 30)\n"
          "  --config FILE         config file (default: see envoi --help)\n"
          "  -h, --help            show this help\n"
          "\n"
          "Examples:\n"
          "  envoi queue list --status pending\n"
          "  envoi queue show 0m4k2x9q1a7c\n"
          "  envoi queue status \"$(envoi send --async --to b@example.org --text note.txt)\"\n"
          "  envoi queue stats --json | jq .pending\n"
          "\n"
          "Exit status (sysexits.h):\n"
          "  0   done (status: whatever the status is)\n"
          "  64  usage error: unknown subcommand or option, a bad id or value\n"
          "  65  envoid refused the request as malformed\n"
          "  66  no such message\n"
          "  69  not allowed in the message's status (e.g. cancel a sent message)\n"
          "  75  envoid cannot be reached (is envoid running? make run), or it\n"
          "      failed for now: try again later\n"
          "  76  the answer is not envoid's\n"
          "  77  envoid refused the token (or wants one)\n"
          "  78  configuration file error, or the token file cannot be read\n",
          out);
}

void cli_help_sendmail(FILE *out)
{
    fputs("Usage: envoi sendmail [OPTIONS] [--] [RECIPIENT...] < MESSAGE\n"
          "       sendmail [OPTIONS] [--] [RECIPIENT...] < MESSAGE\n"
          "\n"
          "Send the message read on standard input, as sendmail does, for programs\n"
          "that call sendmail (a 'sendmail' link to envoi is the same command). It\n"
          "goes straight to the SMTP server of the default account of the config\n"
          "file or, with 'mode = queue' in its [sendmail] section, into the spool\n"
          "(envoid at [spool] listen, or [sendmail] spool = URL or directory).\n"
          "\n"
          "Bcc and Resent-Bcc are removed; From (-F NAME <sender>), Date and\n"
          "Message-ID are added when missing; line ends become CRLF. The envelope\n"
          "sender is -f, else the account's from, else the message's From, else\n"
          "login@host.\n"
          "\n"
          "Options:\n"
          "  -t              recipients from To, Cc and Bcc (Resent-To, Resent-Cc,\n"
          "                  Resent-Bcc when there are any) as well as the command\n"
          "                  line's\n"
          "  -i, -oi         a line holding only '.' does not end the message\n"
          "  -f FROM         envelope sender (-f '<>': the null sender); -r FROM too\n"
          "  -F NAME         the display name of a From added when missing\n"
          "  -v              show the SMTP dialogue (or the queued id) on stderr\n"
          "  -N DSN          delivery notifications: never, or success,failure,delay\n"
          "  -R full|hdrs    what a notification returns;  -V ENVID: its envelope id\n"
          "  -C FILE, --config FILE   config file (default: see envoi --help)\n"
          "  --account NAME  send through this account\n"
          "  --help          show this help\n"
          "\n"
          "Accepted and ignored: -bm, -m, -n, -U, -G, -Ac, -Am, -oe*, -od*, -oQ*,\n"
          "-oL*, -oA*, -om, -oo, -o7, -o8, -B TYPE, -L TAG, -h HOPS, -O OPT=VALUE.\n"
          "Other modes (-bs, -bp, -bd, -q...) are usage errors.\n"
          "\n"
          "Config:\n"
          "  [sendmail]\n"
          "  mode = direct | queue      (default direct)\n"
          "  account = NAME             the account of direct mode\n"
          "  spool = URL | DIR          queue mode: where to queue\n"
          "\n"
          "Examples:\n"
          "  printf 'Subject: hi\\n\\nHello.\\n' | envoi sendmail bob@example.org\n"
          "  php -d sendmail_path='envoi sendmail -t -i' script.php\n"
          "\n"
          "Exit status (sysexits.h, as sendmail's):\n"
          "  0   sent (or queued)\n"
          "  64  usage error: unknown option, no recipient, a bad address\n"
          "  65  an address in the header is not one (-t)\n"
          "  67  a recipient without a domain\n"
          "  69  the server refused the message or its recipients for good\n"
          "  74  standard input could not be read\n"
          "  75  temporary failure: server or envoid unreachable, 4xx reply, paused\n"
          "  77  the login (or envoid's token) was refused\n"
          "  78  configuration error: no config file, no account, a bad [sendmail]\n",
          out);
}

void cli_help_check_address(FILE *out)
{
    fputs("Usage: envoi check-address ADDRESS... [OPTIONS]\n"
          "       envoi check-address - [OPTIONS] < LIST\n"
          "\n"
          "Check email addresses before using them, and print one verdict per address:\n"
          "  ADDRESS: valid\n"
          "  ADDRESS: incorrect syntax: what is wrong\n"
          "  ADDRESS: refused: why (the server's words: 550 5.1.1 ...)\n"
          "  ADDRESS: error: why the check could not be completed\n"
          "'-' reads more addresses from standard input, one a line (blank lines skipped).\n"
          "\n"
          "Levels (each one includes the ones before it):\n"
          "  syntax   RFC 5321 mailbox: dot-atom or quoted local part, domain or IP\n"
          "           literal, length limits, UTF-8 local part, IDNA2008 domain, and a\n"
          "           top-level domain of the public suffix list. No network (default)\n"
          "  domain   the domain's MX records, else its A/AAAA records; no such domain,\n"
          "           no mail host, or a null MX (RFC 7505): refused; a DNS timeout or\n"
          "           failure: error. An IP literal ([192.0.2.1]) needs no DNS\n"
          "  server   ask the best MX host on port 25 (the next ones when it cannot be\n"
          "           reached or answers 4xx): EHLO, MAIL FROM:<>, RCPT TO:<ADDRESS>,\n"
          "           QUIT, never DATA. 2xx: valid; 5xx to RCPT: refused; 4xx,\n"
          "           timeouts, a 5xx before RCPT: error. Many servers accept every\n"
          "           address at RCPT (catch-all, checks after DATA): valid only means\n"
          "           the server did not refuse it. No STARTTLS is attempted\n"
          "\n"
          "Options:\n"
          "  --level LEVEL          syntax, domain or server (default: syntax)\n"
          "  --json                 one JSON array of objects {\"address\", \"result\"\n"
          "                         (valid, syntax, refused, error), \"level\" (the one\n"
          "                         that decided), \"reason\", \"domain\" (A-labels), \"mx\",\n"
          "                         \"reply_code\", \"enhanced\"}; null where empty\n"
          "  --nameserver IP[:PORT] ask this DNS server (IPv6: [::1]:53) instead of\n"
          "                         the system's resolver (/etc/resolv.conf)\n"
          "  --timeout SECONDS      wait for each DNS answer and each SMTP step (default:\n"
          "                         10 for DNS, 30 for SMTP)\n"
          "  --from ADDRESS         MAIL FROM of the server level (default: <>, the\n"
          "                         null sender)\n"
          "  --helo NAME            name given in EHLO (default: this host's name)\n"
          "  --port PORT            SMTP port of the server level (default 25; for tests)\n"
          "  -h, --help             show this help\n"
          "\n"
          "Examples:\n"
          "  envoi check-address jane@example.org\n"
          "  envoi check-address --level domain jane@example.org 'bob@[192.0.2.1]'\n"
          "  envoi check-address --level server --timeout 10 jane@example.org\n"
          "  envoi check-address --json - < addresses.txt | jq -r '.[] |\n"
          "      select(.result != \"valid\") | .address'\n"
          "  envoi check-address --level domain --nameserver 9.9.9.9 jane@example.org\n"
          "\n"
          "Exit status (sysexits.h):\n"
          "  0   every address is valid\n"
          "  64  usage error: no address, unknown option, bad value\n"
          "  65  some address is refused or has incorrect syntax, and every check\n"
          "      could be completed\n"
          "  75  some check could not be completed (DNS or server timeout, 4xx,\n"
          "      unreachable servers, the server refused the probe): try again later\n",
          out);
}

void cli_help_hint(FILE *out, const char *command)
{
    if (command)
        fprintf(out, "Try 'envoi %s --help'.\n", command);
    else
        fputs("Try 'envoi --help'.\n", out);
}
