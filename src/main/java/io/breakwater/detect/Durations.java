package io.breakwater.detect;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parses durations as operators write them: {@code 30s}, {@code 10m}, {@code 1h}, {@code 500ms}, {@code 2d} or ISO-8601. */
public final class Durations {
    private Durations() {}

    /** A positive duration; zero, negative and unreadable values are refused with the text in the message. */
    public static Duration parse(String text) {
        Duration d = parseAny(text);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("duration must be positive, got '" + text + "'");
        }
        return d;
    }

    private static Duration parseAny(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("duration is missing");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1).trim());
            switch (t.charAt(t.length() - 1)) {
                case 's': return Duration.ofSeconds(n);
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                case 'd': return Duration.ofDays(n);
                default: break;
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 30s, 10m, 1h or ISO-8601)");
    }
}
