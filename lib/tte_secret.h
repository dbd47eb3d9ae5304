#ifndef TTE_SECRET_H
#define TTE_SECRET_H

#include <stdbool.h>

/*
 * True when a column or key name denotes a secret (passphrase, password,
 * passwd, totp, otp, pin, in any case): its value is never stored.
 */
bool tte_is_secret_name(const char *name);

#endif
