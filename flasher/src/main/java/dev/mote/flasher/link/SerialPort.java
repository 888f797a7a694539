package dev.mote.flasher.link;

/**
 * A serial port as /sys/class/tty describes it; the USB fields are null for a port that is not
 * on USB, or where the device does not say.
 *
 * @param device       its device node, /dev/NAME
 * @param vendorId     USB idVendor, 4 hex digits
 * @param productId    USB idProduct, 4 hex digits
 * @param serial       USB serial number
 * @param manufacturer USB manufacturer string
 * @param product      USB product string
 * @param driver       the kernel driver (cdc_acm, ftdi_sio, serial8250), or null
 */
public record SerialPort(String device, String vendorId, String productId, String serial, String manufacturer,
        String product, String driver) {

    /** True if the port is on USB (it has a VID:PID). */
    public boolean usb() {
        return vendorId != null && productId != null;
    }

    /** "0483:5740" or null. */
    public String vidPid() {
        return usb() ? vendorId + ":" + productId : null;
    }
}
