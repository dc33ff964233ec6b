/* Lexical pieces shared by the header decoders (see lex.h). */
#include "mime/lex.h"

size_t mime_skip_comment(const char *s, size_t len, size_t i)
{
    int depth = 0;
    for (; i < len; i++) {
        if (s[i] == '\\' && i + 1 < len)
            i++;
        else if (s[i] == '(')
            depth++;
        else if (s[i] == ')' && --depth == 0)
            return i + 1;
    }
    return len;
}
