package io.breakwater.ingest;

/** A record of a known format that cannot be normalised; the reason goes to the dead letter. */
public class MalformedRecordException extends Exception {
    private final String reason;

    /** @param reason short machine-readable reason, e.g. {@code missing-event-time} */
    public MalformedRecordException(String reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
