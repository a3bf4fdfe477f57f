package io.breakwater.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Test helpers: JSON fixtures, single-event lookups and a "secret appears nowhere" check. */
final class EventAssertions {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private EventAssertions() {}

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad fixture", e);
        }
    }

    static SecurityEvent single(List<SecurityEvent> events, EventKind kind) {
        List<SecurityEvent> matching = events.stream().filter(e -> e.kind == kind).collect(Collectors.toList());
        assertEquals(1, matching.size(), kind + " in " + events);
        return matching.get(0);
    }

    /** The secret is in no field (recursively through process and peer) and not in toString. */
    static void assertNowhere(String secret, List<SecurityEvent> events) {
        for (SecurityEvent e : events) {
            assertFalse(e.toString().contains(secret), "toString leaks");
            assertFalse(dump(e).contains(secret), "a field leaks: " + dump(e));
        }
    }

    /** Every public field value, nested POJOs and arrays included. */
    static String dump(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof Object[] array) {
            return Arrays.stream(array).map(EventAssertions::dump).collect(Collectors.joining(",", "[", "]"));
        }
        if (!o.getClass().getPackageName().startsWith("io.breakwater")) {
            return String.valueOf(o);
        }
        StringBuilder sb = new StringBuilder("{");
        for (Field f : o.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            try {
                sb.append(f.getName()).append('=').append(dump(f.get(o))).append(';');
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.append('}').toString();
    }
}
