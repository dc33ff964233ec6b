/* Exit status of the command line: sysexits.h codes, as sendmail uses them. */
#include "cli/exit_codes.h"

int cli_exit_for_code(int code)
{
    switch (code) {
    case ENVOI_OK:
        return EX_OK;
    case ENVOI_EHEADER:
    case ENVOI_EADDRESS:
    case ENVOI_EIDNA:
    case ENVOI_EFORMAT:
        return EX_DATAERR;
    case ENVOI_EFILE:
    case ENVOI_ENOTFOUND:
        return EX_NOINPUT;
    case ENVOI_ERESOLVE:
    case ENVOI_ECONNECT:
    case ENVOI_ETIMEDOUT:
    case ENVOI_ECLOSED:
    case ENVOI_EIO:
    case ENVOI_ETEMPFAIL:
        return EX_TEMPFAIL;
    case ENVOI_ETLS:
    case ENVOI_EPROTOCOL:
        return EX_PROTOCOL;
    case ENVOI_ECERT:
    case ENVOI_ENOTLS:
    case ENVOI_ENOMECH:
    case ENVOI_EPERMFAIL:
    case ENVOI_ENORCPT:
    case ENVOI_ETOOBIG:
    case ENVOI_EUNSUPPORTED:
        return EX_UNAVAILABLE;
    case ENVOI_EAUTH:
    case ENVOI_EAUTHPLAIN:
        return EX_NOPERM;
    case ENVOI_ECONFIG:
        return EX_CONFIG;
    case ENVOI_ENOMEM:
        return EX_OSERR;
    case ENVOI_EINVAL:
    case ENVOI_ESTATE:
    default:
        return EX_SOFTWARE;
    }
}

int cli_exit_for_error(const envoi_error *err)
{
    int status = cli_exit_for_code(err->code);
    if (status == EX_UNAVAILABLE || status == EX_NOPERM || status == EX_PROTOCOL)
        if (envoi_error_is_temporary(err))
            return EX_TEMPFAIL;
    return status;
}
