/* Writing S/MIME structures: CMS to DER, DER to base64 lines, boundaries,
 * and the final message (outer fields + MIME-Version + entity). */
#include <stdlib.h>
#include <string.h>

#include "smime/smime_impl.h"
#include "util/base64.h"
#include "util/err.h"
#include "util/random.h"

int smime_write_base64(const unsigned char *der, size_t len, envoi_buf *out)
{
    envoi_b64_enc enc;
    envoi_b64_enc_init(&enc, 76);
    if (envoi_buf_reserve(out, envoi_b64_enc_bound(len, 76) + 16) < 0)
        return ENVOI_ENOMEM;
    out->len += envoi_b64_enc_update(&enc, der, len, out->data + out->len);
    out->len += envoi_b64_enc_final(&enc, out->data + out->len);
    out->data[out->len] = '\0';
    return envoi_buf_append(out, "\r\n", 2);
}

int smime_new_boundary(envoi_buf *out)
{
    char rnd[24];
    if (envoi_random_alnum(rnd, sizeof rnd) < 0)
        return ENVOI_EINVAL;
    envoi_buf_clear(out);
    if (envoi_buf_append_str(out, "----=_envoi_") < 0 || envoi_buf_append(out, rnd, sizeof rnd) < 0)
        return ENVOI_ENOMEM;
    return 0;
}

int smime_cms_der(envoi_smime *s, CMS_ContentInfo *cms, unsigned char **der, size_t *len)
{
    *der = NULL;
    int n = i2d_CMS_ContentInfo(cms, der);
    if (n <= 0)
        return smime_fail_ssl(s, ENVOI_EFORMAT, "cannot write the CMS structure");
    *len = (size_t)n;
    return 0;
}

int smime_finish_message(const envoi_buf *outer, const envoi_buf *entity, char **out,
                         size_t *out_len)
{
    envoi_buf msg = ENVOI_BUF_INIT;
    int rc = 0;
    if (outer->len)
        rc = envoi_buf_append(&msg, outer->data, outer->len);
    if (rc == 0)
        rc = envoi_buf_append_str(&msg, "MIME-Version: 1.0\r\n");
    if (rc == 0)
        rc = envoi_buf_append(&msg, entity->data ? entity->data : "", entity->len);
    if (rc < 0) {
        envoi_buf_free(&msg);
        return rc;
    }
    *out = envoi_buf_steal(&msg, out_len);
    return *out ? 0 : ENVOI_ENOMEM;
}
