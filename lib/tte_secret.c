#include <stddef.h>

#include "tte_secret.h"
#include "tte_str.h"

bool
tte_is_secret_name(const char *name)
{
    /* "otp" covers kode otp / kode_otp, "sandi" kata sandi and
     * kata_sandi: Indonesian applications name them so. */
    static const char *const words[] = {"passphrase", "password", "passwd",
                                        "totp",       "otp",      "pin",
                                        "sandi"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (tte_str_icontains(name, words[i]))
            return true;
    return false;
}
