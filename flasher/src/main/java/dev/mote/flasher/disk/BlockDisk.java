package dev.mote.flasher.disk;

/**
 * A whole disk as /sys/block describes it.
 *
 * @param name      the kernel's name (sdb, mmcblk0)
 * @param device    its device node, /dev/NAME
 * @param size      bytes (sysfs size x 512), or -1 if unknown
 * @param removable sysfs says removable (SD cards, most card readers, USB sticks)
 * @param usb       it hangs off a USB bus (USB sticks, card readers, USB SSDs: often not "removable")
 * @param vendor    device/vendor, or null
 * @param model     device/model, or null
 */
public record BlockDisk(String name, String device, long size, boolean removable, boolean usb, String vendor,
        String model) {

    /** "SanDisk Ultra" or "-". */
    public String label() {
        String v = vendor == null ? "" : vendor;
        String m = model == null ? "" : model;
        String s = (v + " " + m).trim();
        return s.isEmpty() ? "-" : s;
    }
}
