package dev.mote.flasher.disk;

/** What a block/file target is, once its checks passed; {@link #text} is how the CLI and JSON name it. */
public enum TargetKind {
    /** A flash file that does not exist yet: created at the profile's flash size. */
    NEW_FLASH_FILE("new flash file"),
    /** An existing flash file of the profile's flash size. */
    FLASH_FILE("flash file"),
    /** A disk (an SD card, a USB stick): read back past the page cache, guarded by DiskGuard. */
    BLOCK_DEVICE("block device");

    private final String text;

    TargetKind(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** A flash file, new or not (what `mote run --flash` boots). */
    public boolean isFile() {
        return this != BLOCK_DEVICE;
    }

    @Override
    public String toString() {
        return text;
    }
}
