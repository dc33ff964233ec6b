/* The POP3 authorization phase as one state machine: pop3_enter sends the
 * command of a state, pop3_handle reads the reply for the current one and
 * decides the next; plus the status-line and multi-line readers every
 * command uses. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pop3/session.h"
#include "util/err.h"
#include "util/secret.h"

const char *const pop3_state_names[] = {
    [POP3_DISCONNECTED] = "DISCONNECTED",
    [POP3_GREETING] = "greeting",
    [POP3_CAPA] = "CAPA",
    [POP3_STLS] = "STLS",
    [POP3_AUTH] = "AUTH",
    [POP3_APOP] = "APOP",
    [POP3_USER] = "USER",
    [POP3_PASS] = "PASS",
    [POP3_TRANSACTION] = "TRANSACTION",
};

void pop3_close(envoi_pop3 *s, bool polite)
{
    envoi_pp_hang_up(&s->pp, &s->conn, polite ? "QUIT" : NULL);
    s->state = POP3_DISCONNECTED;
    envoi_sasl_free(s->sasl);
    s->sasl = NULL;
    envoi_buf_wipe_free(&s->sasl_initial);
}

int pop3_send(envoi_pop3 *s, const char *cmd, size_t visible)
{
    size_t len = strlen(cmd);
    int rc = envoi_pp_send(&s->pp, cmd, len, visible < len ? visible : len);
    return rc < 0 ? rc : envoi_pp_flush(&s->pp);
}

int pop3_sendf(envoi_pop3 *s, const char *fmt, ...)
{
    envoi_buf cmd = ENVOI_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(&cmd, fmt, ap);
    va_end(ap);
    if (rc < 0)
        return envoi_err_set(&s->err, rc, "out of memory");
    rc = envoi_pp_send(&s->pp, cmd.data, cmd.len, cmd.len);
    envoi_buf_free(&cmd);
    return rc;
}

/* Record the current -ERR as the failure of `what`, its response code
 * deciding the class when it names one. Returns the code. */
int pop3_fail_status(envoi_pop3 *s, int code, const char *what)
{
    const char *rc = s->st.code;
    if (!strcmp(rc, "AUTH"))
        code = ENVOI_EAUTH;
    else if (!strcmp(rc, "SYS/TEMP") || !strcmp(rc, "IN-USE") || !strcmp(rc, "LOGIN-DELAY"))
        code = ENVOI_ETEMPFAIL;
    else if (!strcmp(rc, "SYS/PERM"))
        code = ENVOI_EPERMFAIL;
    envoi_buf words = ENVOI_BUF_INIT;
    int b = envoi_buf_printf(&words, "%s: ", what);
    if (b == 0)
        b = envoi_pp_quote(&words, s->st.text, s->st.text_len, 900);
    envoi_err_reply(&s->err, code, 0, rc, b == 0 ? words.data : what);
    envoi_buf_free(&words);
    return code;
}

/* The connection failed while waiting for `what`: say so and close. */
int pop3_broken(envoi_pop3 *s, int rc, const char *what)
{
    if (rc == ENVOI_ECLOSED || rc == ENVOI_ETIMEDOUT || rc == ENVOI_EIO) {
        char text[sizeof s->err.text];
        snprintf(text, sizeof text, "%s", s->err.text);
        envoi_err_set(&s->err, rc, "%s (waiting for the reply to %s)", text, what);
    }
    pop3_close(s, false);
    return rc;
}

static int status_line(void *ctx, const char *line, size_t len, envoi_error *err)
{
    envoi_pop3 *s = ctx;
    envoi_buf_clear(&s->line);
    if (envoi_buf_append(&s->line, line, len) < 0)
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    return 0;
}

static bool is_continuation(const envoi_pop3 *s)
{
    const char *l = s->line.data;
    return s->state == POP3_AUTH && l[0] == '+' && (s->line.len == 1 || l[1] == ' ');
}

int pop3_read_status(envoi_pop3 *s)
{
    int rc = envoi_pp_read_response(&s->pp, status_line, s);
    if (rc < 0)
        return rc;
    s->sasl_cont = is_continuation(s);
    if (s->sasl_cont) {
        memset(&s->st, 0, sizeof s->st);
        s->st.text = s->line.data + (s->line.len > 1 ? 2 : 1);
        s->st.text_len = s->line.len > 1 ? s->line.len - 2 : 0;
        return 0;
    }
    if (pop3_status_parse(s->line.data, s->line.len, &s->st) < 0) {
        envoi_buf q = ENVOI_BUF_INIT;
        envoi_pp_quote(&q, s->line.data, s->line.len, 200);
        envoi_err_set(&s->err, ENVOI_EPROTOCOL,
                      "the server's answer to %s is not a POP3 status line: \"%s\"",
                      pop3_state_names[s->state], q.data ? q.data : "");
        envoi_buf_free(&q);
        return ENVOI_EPROTOCOL;
    }
    return 0;
}

struct lines_ctx {
    int (*fn)(void *ctx, const char *line, size_t len);
    void *ctx;
};

static int listing_line(void *ctx, const char *line, size_t len, envoi_error *err)
{
    struct lines_ctx *lc = ctx;
    if (len == 1 && line[0] == '.')
        return 0;
    if (len > 0 && line[0] == '.') {
        line++;
        len--;
    }
    int rc = lc->fn(lc->ctx, line, len);
    if (rc == ENVOI_ENOMEM)
        return envoi_err_set(err, rc, "out of memory");
    if (rc < 0) {
        envoi_buf q = ENVOI_BUF_INIT;
        envoi_pp_quote(&q, line, len, 200);
        envoi_err_set(err, rc, "malformed line in the server's listing: \"%s\"",
                      q.data ? q.data : "");
        envoi_buf_free(&q);
        return rc;
    }
    return 1;
}

/* The lines of a multi-line response after its +OK, un-dot-stuffed, to fn
 * (which returns 0, or a negative code). Not traced line by line. */
int pop3_read_lines(envoi_pop3 *s, int (*fn)(void *ctx, const char *line, size_t len), void *ctx)
{
    struct lines_ctx lc = {fn, ctx};
    size_t max_lines = s->pp.max_lines, max_bytes = s->pp.max_bytes;
    envoi_trace_fn trace = s->pp.trace;
    s->pp.max_lines = SIZE_MAX;
    s->pp.max_bytes = SIZE_MAX;
    s->pp.trace = NULL;
    int rc = envoi_pp_read_response(&s->pp, listing_line, &lc);
    s->pp.max_lines = max_lines;
    s->pp.max_bytes = max_bytes;
    s->pp.trace = trace;
    return rc;
}

static int enter(envoi_pop3 *s, enum pop3_state state)
{
    s->state = state;
    switch (state) {
    case POP3_CAPA:
        return pop3_send(s, "CAPA", SIZE_MAX);
    case POP3_STLS:
        return pop3_send(s, "STLS", SIZE_MAX);
    default:
        return 0;
    }
}

static int capa_line(void *ctx, const char *line, size_t len)
{
    return pop3_caps_add_line(ctx, line, len);
}

static int fail_session(envoi_pop3 *s, int code, const char *what)
{
    pop3_fail_status(s, code, what);
    pop3_close(s, true);
    return code;
}

static int after_capa(envoi_pop3 *s)
{
    if (s->ep.security == ENVOI_SECURITY_STARTTLS && !envoi_conn_is_tls(s->conn)) {
        if (s->capa_known && !(s->caps.flags & ENVOI_POP3_CAPA_STLS)) {
            envoi_err_set(&s->err, ENVOI_ENOTLS,
                          "STLS is required but the server does not offer it");
            pop3_close(s, true);
            return ENVOI_ENOTLS;
        }
        return enter(s, POP3_STLS);
    }
    return pop3_start_login(s);
}

static int handle_greeting(envoi_pop3 *s)
{
    if (!s->st.ok)
        return fail_session(s, ENVOI_ETEMPFAIL, "the server refused the connection");
    envoi_buf_clear(&s->greeting);
    if (envoi_buf_append(&s->greeting, s->st.text, s->st.text_len) < 0)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    return enter(s, POP3_CAPA);
}

static int handle_capa(envoi_pop3 *s)
{
    pop3_caps_reset(&s->caps);
    s->capa_known = s->st.ok;
    if (s->st.ok) {
        int rc = pop3_read_lines(s, capa_line, &s->caps);
        if (rc < 0)
            return rc;
    }
    const char *ts;
    size_t n;
    if (s->greeting.data && pop3_apop_timestamp(s->greeting.data, s->greeting.len, &ts, &n))
        s->caps.flags |= ENVOI_POP3_CAPA_APOP;
    return after_capa(s);
}

static int handle_stls(envoi_pop3 *s)
{
    if (!s->st.ok)
        return fail_session(s, ENVOI_ENOTLS, "STLS refused");
    int rc = proto_endpoint_start_tls(&s->ep, s->conn, &s->err);
    if (rc < 0)
        return rc;
    /* What the server said before TLS is forgotten; ask again. */
    pop3_caps_reset(&s->caps);
    return enter(s, POP3_CAPA);
}

static int handle(envoi_pop3 *s)
{
    switch (s->state) {
    case POP3_GREETING:
        return handle_greeting(s);
    case POP3_CAPA:
        return handle_capa(s);
    case POP3_STLS:
        return handle_stls(s);
    case POP3_AUTH:
    case POP3_APOP:
    case POP3_USER:
    case POP3_PASS:
        return pop3_login_reply(s);
    case POP3_DISCONNECTED:
    case POP3_TRANSACTION:
        break;
    }
    return envoi_err_set(&s->err, ENVOI_EPROTOCOL, "unexpected reply in state %s",
                         pop3_state_names[s->state]);
}

/* Replies that end the conversation on our side: no QUIT after them. */
static bool polite_after(int rc)
{
    switch (rc) {
    case ENVOI_ECLOSED:
    case ENVOI_ETIMEDOUT:
    case ENVOI_EIO:
    case ENVOI_ETLS:
    case ENVOI_ECERT:
    case ENVOI_EPROTOCOL:
        return false;
    default:
        return true;
    }
}

int pop3_connect(envoi_pop3 *s)
{
    unsigned port = s->ep.security == ENVOI_SECURITY_TLS ? 995 : 110;
    int rc = proto_endpoint_open(&s->ep, port, &s->conn, &s->err);
    if (rc < 0)
        return rc;
    s->pp.conn = s->conn;
    s->method[0] = '\0';
    pop3_caps_reset(&s->caps);
    s->capa_known = false;
    s->state = POP3_GREETING;
    while (s->state != POP3_TRANSACTION && s->state != POP3_DISCONNECTED) {
        const char *what = pop3_state_names[s->state];
        rc = pop3_read_status(s);
        if (rc < 0)
            return rc == ENVOI_EPROTOCOL ? (pop3_close(s, false), rc) : pop3_broken(s, rc, what);
        rc = handle(s);
        if (rc < 0) {
            if (s->state != POP3_DISCONNECTED)
                pop3_close(s, polite_after(rc));
            return rc;
        }
    }
    return s->state == POP3_TRANSACTION ? 0 : s->err.code ? s->err.code : ENVOI_ECLOSED;
}

int pop3_ready(envoi_pop3 *s)
{
    if (s->state == POP3_TRANSACTION)
        return 0;
    if (s->state != POP3_DISCONNECTED)
        return envoi_err_set(&s->err, ENVOI_ESTATE, "the session is busy");
    if (!s->ep.host)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no server set");
    int rc = proto_endpoint_fetch_token(&s->ep, &s->err);
    if (rc < 0)
        return rc;
    if (!s->ep.user || (!s->ep.password && !s->ep.token))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no user and password (or token) set");
    envoi_err_clear(&s->err);
    pop3_entries_free(s);
    return pop3_connect(s);
}

/* A one-line command in the transaction state: +OK is 0, -ERR the failure
 * of `what` (permanent unless its response code says otherwise). */
int pop3_simple(envoi_pop3 *s, const char *cmd, const char *what)
{
    int rc = pop3_ready(s);
    if (rc < 0)
        return rc;
    envoi_err_clear(&s->err);
    if ((rc = pop3_send(s, cmd, SIZE_MAX)) < 0)
        return pop3_broken(s, rc, what);
    if ((rc = pop3_read_status(s)) < 0)
        return rc == ENVOI_EPROTOCOL ? (pop3_close(s, false), rc) : pop3_broken(s, rc, what);
    return s->st.ok ? 0 : pop3_fail_status(s, ENVOI_EPERMFAIL, what);
}
