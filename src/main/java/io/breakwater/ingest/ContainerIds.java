package io.breakwater.ingest;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Container ids as the sensors spell them: full 64-hex ids with a runtime prefix (audit pod status, Tetragon
 * {@code pod.container.id}), 31- or 24-hex prefixes (Tetragon {@code docker}), 12-hex prefixes (Falco).
 */
public final class ContainerIds {
    /** Shorter prefixes than this match too many containers to be a join key. */
    public static final int MIN_PREFIX = 12;
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{" + MIN_PREFIX + ",64}");

    private ContainerIds() {}

    /**
     * Lower-case hex without the runtime prefix ({@code containerd://}, {@code docker://}, {@code cri-o://},
     * {@code crio://}, any {@code <runtime>://}); null for null, blank, {@code host}, {@code <NA>} and anything that
     * is not 12 to 64 hex characters.
     */
    public static String normalise(String raw) {
        if (raw == null) {
            return null;
        }
        String id = raw.trim().toLowerCase(Locale.ROOT);
        int scheme = id.indexOf("://");
        if (scheme >= 0) {
            id = id.substring(scheme + 3);
        }
        return HEX.matcher(id).matches() ? id : null;
    }

    /** The first 12 characters of the normalised id, or null when it is not a container id. */
    public static String prefix12(String id) {
        String n = normalise(id);
        return n == null ? null : n.substring(0, MIN_PREFIX);
    }

    /** True when both are container ids and one is a prefix of the other (each at least 12 hex). */
    public static boolean sameContainer(String a, String b) {
        String x = normalise(a);
        String y = normalise(b);
        if (x == null || y == null) {
            return false;
        }
        return x.length() <= y.length() ? y.startsWith(x) : x.startsWith(y);
    }
}
