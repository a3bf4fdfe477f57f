package io.breakwater.ingest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Sensor time stamps to epoch milliseconds. */
final class Timestamps {
    private Timestamps() {}

    /**
     * RFC 3339 with any fraction (ms, µs, ns) and a Z or numeric offset; also tolerates a space instead of 'T'
     * and a missing zone (read as UTC), as seen in exported cloud logs.
     *
     * @throws MalformedRecordException invalid-event-time when the text is no time stamp
     */
    static long parseRfc3339(String text) throws MalformedRecordException {
        String s = text.trim().replace(' ', 'T');
        try {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException withOffset) {
            try {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException withoutOffset) {
                throw new MalformedRecordException("invalid-event-time", "not an RFC 3339 time: " + abbreviate(text));
            }
        }
    }

    /** Epoch nanoseconds to milliseconds. */
    static long nanosToMillis(long nanos) {
        return Instant.ofEpochSecond(0, nanos).toEpochMilli();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
