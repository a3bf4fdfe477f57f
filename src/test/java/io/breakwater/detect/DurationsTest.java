package io.breakwater.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void shorthandAndIsoDurations() {
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofDays(2), Durations.parse("2d"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("PT5M"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("pt5m"));
        assertEquals(Duration.ofSeconds(90), Durations.parse(" 90S "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "10", "10x", "m", "ms", "1.5h", "10 minutes", "P", "PTX", "s30", "--1s", "0s",
            "-5s", "PT0S", "-PT1M"})
    void garbageIsRefusedNamingTheText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void missingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("  "));
    }
}
