"""An independent Python copy of the dedupe key's hash (lib/tte_event.c),
for the tests that need two different events with the same key."""

M = 0xFFFFFFFFFFFFFFFF


def mix(h, w):
    h = ((h ^ w) * 0x9E3779B97F4A7C15) & M
    return h ^ (h >> 32)


def low(doc):
    """The key bits that the time does not set, for a srikandi signing by
    one NIK of document doc with result ok."""
    h = 0xCBF29CE484222325
    for f in ("srikandi", "3171010101900001", doc, "ok"):
        b = f.encode()
        h = mix(h, len(b))
        whole = len(b) - len(b) % 8
        for i in range(0, whole, 8):
            h = mix(h, int.from_bytes(b[i:i + 8], "little"))
        h = mix(h, int.from_bytes(b[whole:], "little"))
    return h >> 44
