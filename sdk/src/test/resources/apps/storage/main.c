/*
 * Flash partitions, the key-value store and mote_reboot (StorageTest.java
 * boots it through the bootloader from a flash file). Every boot: the
 * partitions are where the profile says, app code cannot write what the
 * update path owns, and a boot counter in the store goes up by one. The
 * first boot then reboots; the second checks what the first left behind.
 * Each check prints "storage: <what> ok" or "storage: FAILED: <what> ...";
 * the exit code is the number of failures.
 */
#include <mote.h>

static int failures;

static void check(bool ok, const char *what, long detail)
{
    if (ok) {
        printf("storage: %s ok\n", what);
    } else {
        printf("storage: FAILED: %s (%ld)\n", what, detail);
        failures++;
    }
}

static void test_partitions(struct mote_partition *persist)
{
    struct mote_partition p;
    check(mote_partition_find("persist", persist) == 0 && persist->writable, "find persist", 0);
    printf("storage: persist at %llu, %llu bytes\n", (unsigned long long)persist->offset,
           (unsigned long long)persist->size);
    check(persist->offset == (14400 + 24) * 1024ull && persist->size == (1984 - 24) * 1024ull,
          "persist is the profile's less 24 KiB", (long)persist->offset);
    check(mote_partition_find("slot_a", &p) == 0 && !p.writable && p.offset == 64 * 1024 &&
          p.size == 7 * 1024 * 1024, "find slot_a, read-only", (long)p.offset);
    char hdr[4];
    check(mote_partition_read(&p, 0, hdr, 4) == 0 && !memcmp(hdr, "MOTE", 4), "read own image header", 0);
    check(mote_partition_write(&p, 0, "junk", 4) == MOTE_EPERM, "slot_a write refused", 0);
    check(mote_partition_find("boot_state", &p) == 0 && !p.writable && p.offset == 0, "find boot_state", 0);
    check(mote_partition_find("nvs", &p) == MOTE_ENOENT, "unknown name", 0);
    check(mote_flash_write(100, "junk", 4) == MOTE_EPERM, "raw write to the boot state refused", 0);
    check(mote_flash_write(7 * 1024 * 1024, "junk", 4) == MOTE_EPERM, "raw write to slot_a refused", 0);
    check(mote_flash_write(14400 * 1024 + 4096, "junk", 4) == MOTE_EPERM, "raw write to the identity refused", 0);
    check(mote_flash_write(persist->offset - 2, "junk", 4) == MOTE_EPERM, "raw write straddling in refused", 0);
    check(mote_partition_write(persist, persist->size - 4, "mine", 4) == 0, "write the app's own area", 0);
    check(mote_partition_write(persist, persist->size - 3, "mine", 4) == MOTE_EINVAL, "past the end", 0);
}

int app_main(void)
{
    struct mote_partition persist;
    struct mote_kv kv;
    test_partitions(&persist);
    int err = mote_kv_mount(&kv, &persist, 0, 32 * 1024);
    check(err == 0, "mount the store", err);
    check(mote_kv_mount(&kv, &persist, 0, 4096) == MOTE_EINVAL, "one sector is too few", 0);
    uint32_t boots = 0;
    err = mote_kv_get(&kv, "boots", &boots, sizeof boots);
    check(err == (int)sizeof boots || err == MOTE_ENOENT, "read the boot counter", err);
    boots++;
    check(mote_kv_set(&kv, "boots", &boots, sizeof boots) == 0, "store the boot counter", 0);
    printf("storage: boot %u\n", (unsigned)boots);
    if (boots == 1) {
        check(mote_kv_set(&kv, "note", "left by boot 1", 14) == 0, "store a note", 0);
        check(mote_kv_set(&kv, "temp", "x", 1) == 0 && mote_kv_delete(&kv, "temp") == 0, "set and delete", 0);
        if (failures)
            return failures;
        puts("storage: rebooting");
        mote_reboot();
    }
    char note[32] = { 0 };
    check(mote_kv_get(&kv, "note", note, sizeof note) == 14 && !strcmp(note, "left by boot 1"),
          "the note survived the reboot", 0);
    check(mote_kv_get(&kv, "temp", note, sizeof note) == MOTE_ENOENT, "the deleted key stays deleted", 0);
    printf("storage: %d failed\n", failures);
    return failures;
}
