package dev.mote.bench.flash;

/** The JVM's floor for bench/flash: a main that prints one line, timed as a whole command. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
