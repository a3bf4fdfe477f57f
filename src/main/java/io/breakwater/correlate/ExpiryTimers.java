package io.breakwater.correlate;

/** Where state-expiry timers go. */
final class ExpiryTimers {
    private static final long MINUTE_MS = 60_000L;

    private ExpiryTimers() {}

    /**
     * The first whole minute after {@code expiry}: a busy key registers one expiry timer a minute, not one an event
     * (Flink keeps one timer per key and timestamp).
     */
    static long minuteAfter(long expiry) {
        return expiry - Math.floorMod(expiry, MINUTE_MS) + MINUTE_MS;
    }
}
