#ifndef TTE_HASH_H
#define TTE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Lowercase hex SHA-256 of p[0..n) into out[65] (OpenSSL EVP). */
void tte_sha256_hex(const void *p, size_t n, char out[65]);

/* A fast 64-bit hash for in-memory tables (8 bytes per step); not stable
 * across versions: never store it. */
uint64_t tte_hash(const void *p, size_t n);

#endif
