package io.breakwater.ingest;

import java.util.Objects;

/**
 * A record the job could not use, kept with the reason so an operator can see and replay it.
 * The raw copy is size-capped and has had secret-looking values redacted before it got here.
 */
public class DeadLetter {
    /** Short machine-readable reason: malformed-json, unknown-format, oversized, missing-event-time, late, ... */
    public String reason;
    /** Human-readable detail (parser message, field name). */
    public String detail;
    /** Where the record came from: a file path or a topic/partition/offset, when known. */
    public String origin;
    /** Size of the raw record in bytes before capping. */
    public long rawBytes;
    /** Redacted, size-capped copy of the raw record. */
    public String raw;
    /** Wall-clock time the record was rejected, epoch ms. */
    public long rejectedAt;

    public DeadLetter() {}

    public DeadLetter(String reason, String detail, String origin, long rawBytes, String raw, long rejectedAt) {
        this.reason = reason;
        this.detail = detail;
        this.origin = origin;
        this.rawBytes = rawBytes;
        this.raw = raw;
        this.rejectedAt = rejectedAt;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeadLetter)) {
            return false;
        }
        DeadLetter d = (DeadLetter) o;
        return rawBytes == d.rawBytes && Objects.equals(reason, d.reason) && Objects.equals(detail, d.detail)
                && Objects.equals(origin, d.origin) && Objects.equals(raw, d.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reason, detail, origin, raw);
    }

    @Override
    public String toString() {
        return "DeadLetter[" + reason + ": " + detail + " origin=" + origin + "]";
    }
}
