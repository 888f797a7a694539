/*
 * An app that takes part in A/B updates: it says which slot and version the
 * bootloader started, and confirms the image once it is healthy. Until it
 * confirms, a new image is only on trial: if it crashes or the device
 * resets first, the bootloader goes back to the previous image.
 */
#include <mote.h>

/* Whatever "healthy" means for the device: here, that the heap works. */
static bool healthy(void)
{
    void *p = malloc(64);
    free(p);
    return p != NULL;
}

int app_main(void)
{
    struct mote_boot_status st;
    int err = mote_boot_status(&st);
    if (err) {
        printf("update: no boot status (error %d): was this booted by the Mote bootloader?\n", err);
        return 1;
    }
    printf("update: slot %c, version %u.%u.%u%s\n", st.slot, st.version[0], st.version[1],
           st.version[2], st.testing ? ", on trial (TEST)" : ", confirmed");
    if (st.testing) {
        if (!healthy())
            mote_panic("self-test failed: not confirming");
        err = mote_confirm();
        printf("update: %s\n", err ? "could not confirm" : "confirmed: this version stays");
    }
    return err ? 1 : 0;
}
