/*
 * The multiples [1]B .. [8]B of the Ed25519 base point B that verification
 * adds (ge25519.h), precomputed so that no boot pays for decoding B (a
 * square root) and building the table. Each is (y+x, y-x, 2z, 2dt) with
 * z = 1, as canonical 51-bit limbs.
 *
 * Generated from B's encoding by ge25519_base_compute (ed25519.c); the host
 * test test_ed25519_base_table computes the table again, compares, and on
 * a mismatch prints the initializer that belongs here.
 */
#include "ge25519.h"

const struct ge_cached ge25519_base[8] = {
    { /* 1B */
        { { 0x493c6f58c3b85, 0x0df7181c325f7, 0x0f50b0b3e4cb7, 0x5329385a44c32, 0x07cf9d3a33d4b } },
        { { 0x03905d740913e, 0x0ba2817d673a2, 0x23e2827f4e67c, 0x133d2e0c21a34, 0x44fd2f9298f81 } },
        { { 0x0000000000002, 0x0000000000000, 0x0000000000000, 0x0000000000000, 0x0000000000000 } },
        { { 0x11205877aaa68, 0x479955893d579, 0x50d66309b67a0, 0x2d42d0dbee5ee, 0x6f117b689f0c6 } }
    },
    { /* 2B */
        { { 0x4e7fc933c71d7, 0x2cf41feb6b244, 0x7581c0a7d1a76, 0x7172d534d32f0, 0x590c063fa87d2 } },
        { { 0x1a56042b4d5a8, 0x189cc159ed153, 0x5b8deaa3cae04, 0x2aaf04f11b5d8, 0x6bb595a669c92 } },
        { { 0x0000000000002, 0x0000000000000, 0x0000000000000, 0x0000000000000, 0x0000000000000 } },
        { { 0x2a8b3a59b7a5f, 0x3abb359ef087f, 0x4f5a8c4db05af, 0x5b9a807d04205, 0x701af5b13ea50 } }
    },
    { /* 3B */
        { { 0x5b0a84cee9730, 0x61d10c97155e4, 0x4059cc8096a10, 0x47a608da8014f, 0x7a164e1b9a80f } },
        { { 0x11fe8a4fcd265, 0x7bcb8374faacc, 0x52f5af4ef4d4f, 0x5314098f98d10, 0x2ab91587555bd } },
        { { 0x0000000000002, 0x0000000000000, 0x0000000000000, 0x0000000000000, 0x0000000000000 } },
        { { 0x6933f0dd0d889, 0x44386bb4c4295, 0x3cb6d3162508c, 0x26368b872a2c6, 0x5a2826af12b9b } }
    },
    { /* 4B */
        { { 0x351b98efc099f, 0x68fbfa4a7050e, 0x42a49959d971b, 0x393e51a469efd, 0x680e910321e58 } },
        { { 0x6050a056818bf, 0x62acc1f5532bf, 0x28141ccc9fa25, 0x24d61f471e683, 0x27933f4c7445a } },
        { { 0x0000000000002, 0x0000000000000, 0x0000000000000, 0x0000000000000, 0x0000000000000 } },
        { { 0x3fbe9c476ff09, 0x0af6b982e4b42, 0x0ad1251ba78e5, 0x715aeedee7c88, 0x7f9d0cbf63553 } }
    },
    { /* 5B */
        { { 0x2bc4408a5bb33, 0x078ebdda05442, 0x2ffb112354123, 0x375ee8df5862d, 0x2945ccf146e20 } },
        { { 0x182c3a447d6ba, 0x22964e536eff2, 0x192821f540053, 0x2f9f19e788e5c, 0x154a7e73eb1b5 } },
        { { 0x0000000000002, 0x0000000000000, 0x0000000000000, 0x0000000000000, 0x0000000000000 } },
        { { 0x3dbf1812a8285, 0x0fa17ba3f9797, 0x6f69cb49c3820, 0x34d5a0db3858d, 0x43aabe696b3bb } }
    },
    { /* 6B */
        { { 0x4eeeb77157131, 0x1201915f10741, 0x1669cda6c9c56, 0x45ec032db346d, 0x51e57bb6a2cc3 } },
        { { 0x006b67b7d8ca4, 0x084fa44e72933, 0x1154ee55d6f8a, 0x4425d842e7390, 0x38b64c41ae417 } },
        { { 0x0000000000002, 0x0000000000000, 0x0000000000000, 0x0000000000000, 0x0000000000000 } },
        { { 0x4326702ea4b71, 0x06834376030b5, 0x0ef0512f9c380, 0x0f1a9f2512584, 0x10b8e91a9f0d6 } }
    },
    { /* 7B */
        { { 0x25cd0944ea3bf, 0x75673b81a4d63, 0x150b925d1c0d4, 0x13f38d9294114, 0x461bea69283c9 } },
        { { 0x72c9aaa3221b1, 0x267774474f74d, 0x064b0e9b28085, 0x3f04ef53b27c9, 0x1d6edd5d2e531 } },
        { { 0x0000000000002, 0x0000000000000, 0x0000000000000, 0x0000000000000, 0x0000000000000 } },
        { { 0x36dc801b8b3a2, 0x0e0a7d4935e30, 0x1deb7cecc0d7d, 0x053a94e20dd2c, 0x7a9fbb1c6a0f9 } }
    },
    { /* 8B */
        { { 0x7596604dd3e8f, 0x6fc510e058b36, 0x3670c8db2cc0d, 0x297d899ce332f, 0x0915e76061bce } },
        { { 0x75dedf39234d9, 0x01c36ab1f3c54, 0x0f08fee58f5da, 0x0e19613a0d637, 0x3a9024a1320e0 } },
        { { 0x0000000000002, 0x0000000000000, 0x0000000000000, 0x0000000000000, 0x0000000000000 } },
        { { 0x1f5d9c9a2911a, 0x7117994fafcf8, 0x2d8a8cae28dc5, 0x74ab1b2090c87, 0x26907c5c2ecc4 } }
    },
};
