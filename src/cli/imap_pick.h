/* Which messages "envoi flag" and "envoi move" act on: UID sets given as
 * arguments ("4", "7:12", "4,9,20:*") and selection options turned into
 * IMAP search criteria; both together pick the UIDs that also match. */
#ifndef ENVOI_CLI_IMAP_PICK_H
#define ENVOI_CLI_IMAP_PICK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/mail_args.h"
#include "envoi/imap.h"
#include "util/buf.h"

/* One range of a UID set; hi is UINT32_MAX for "*". */
typedef struct cli_uid_range {
    uint32_t lo, hi;
} cli_uid_range;

typedef struct cli_imap_pick {
    envoi_imap_criteria criteria;
    bool selected;         /* a selection option was given (--all too) */
    cli_uid_range *ranges; /* from the UID arguments */
    size_t nranges;
    envoi_buf set; /* the UID arguments as one IMAP set ("4,7:12,20:*") */
} cli_imap_pick;

/* The selection options (ids from CLI_OPT_EXTRA + 100), ending with a zero
 * entry; with_to false leaves --to out (envoi move names its destination
 * with it; --recipient selects by To there). */
const struct option *cli_imap_pick_options(bool with_to);
/* Room for a command's own options (at most 5), the selection options and
 * the terminating entry. */
#define CLI_IMAP_PICK_TABLE 20
/* Fill table with the n options own, then the selection options, then the
 * terminating entry. */
void cli_imap_pick_table(const struct option *own, size_t n, bool with_to,
                         struct option table[CLI_IMAP_PICK_TABLE]);
/* Apply one of them (value as getopt gives it). 0, CLI_USAGE with the reason
 * in why, or ENVOI_ENOMEM. */
int cli_imap_pick_apply(cli_imap_pick *p, int id, const char *value, envoi_buf *why);
/* Whether id is one of the selection options. */
bool cli_imap_pick_owns(int id);
/* Read the UID set arguments; refuse (CLI_USAGE) when neither UIDs nor a
 * selection option was given, or a set is malformed (naming it). */
int cli_imap_pick_finish(cli_imap_pick *p, char **operands, size_t count, envoi_buf *why);
/* A UID set ("4", "7:12", "4,9,20:*") into p's ranges and set: 0, 1 when
 * malformed (nothing added then), or ENVOI_ENOMEM. */
int cli_imap_pick_add_set(cli_imap_pick *p, const char *text);
/* A date YYYY-MM-DD as the UTC midnight starting it; -1 when malformed. */
int cli_imap_pick_parse_date(const char *text, time_t *out);

/* The UIDs picked in the selected folder, ascending (*uids malloc'd). A
 * negative code with the session's error on failure. */
int cli_imap_pick_run(const cli_imap_pick *p, envoi_imap *s, uint32_t **uids, size_t *count);
/* The UIDs as a JSON array of numbers (NULL when out of memory). */
json_t *cli_imap_pick_json_uids(const uint32_t *uids, size_t count);
void cli_imap_pick_free(cli_imap_pick *p);

#endif
