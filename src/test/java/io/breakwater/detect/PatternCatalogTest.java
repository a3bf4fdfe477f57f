package io.breakwater.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.breakwater.finding.AttackTechnique;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatternCatalogTest {
    private static final String[] IDS = {Detections.CHAIN, Detections.EXEC_THEN_SERVICE,
        Detections.TOKEN_THEN_PRIVILEGED_EXEC, Detections.CREDENTIAL_THEN_DEPLOY};

    private static final String VALID = "id: %s\nversion: \"1\"\ntitle: Test pattern\nseverity: high\nwithin: 10m\n"
            + "mitre:\n  - {id: T1609, name: Container Administration Command, tactic: Execution}\n"
            + "response:\n  - \"Isolate the pod.\"\n";

    @TempDir
    Path dir;

    @Test
    void theDetectionsIdsAreExactlyThePatternFilesInTheRepository() throws IOException {
        Set<String> files;
        try (Stream<Path> s = Files.list(Path.of("patterns"))) {
            files = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> expected = Stream.of(IDS).map(id -> id + ".yaml").collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, files);
    }

    @Test
    void everyPatternFileInTheRepositoryLoads() {
        assertComplete(PatternCatalog.load(Path.of("patterns"), IDS));
    }

    @Test
    void everyPatternLoadsFromTheClasspath() {
        PatternCatalog fromClasspath = PatternCatalog.load(null, IDS);
        assertComplete(fromClasspath);
        PatternCatalog fromDir = PatternCatalog.load(Path.of("patterns"), IDS);
        for (String id : IDS) {
            assertEquals(fromDir.get(id).version, fromClasspath.get(id).version, id);
            assertEquals(fromDir.get(id).within, fromClasspath.get(id).within, id);
        }
    }

    @Test
    void theShippedWindowsAndSeverities() {
        PatternCatalog c = PatternCatalog.load(Path.of("patterns"), IDS);
        assertEquals(Duration.ofHours(1), c.get(Detections.CHAIN).withinDuration());
        assertEquals("critical", c.get(Detections.CHAIN).severity);
        assertEquals(Duration.ofMinutes(10), c.get(Detections.EXEC_THEN_SERVICE).withinDuration());
        assertEquals(Duration.ofMinutes(30), c.get(Detections.TOKEN_THEN_PRIVILEGED_EXEC).withinDuration());
    }

    private static void assertComplete(PatternCatalog catalog) {
        for (String id : IDS) {
            DetectionPattern p = catalog.get(id);
            assertEquals(id, p.id);
            assertNotNull(p.version, id);
            assertNotNull(p.title, id);
            assertTrue(p.withinDuration().compareTo(Duration.ZERO) > 0, id);
            assertTrue(Set.of("low", "medium", "high", "critical").contains(p.severity), id);
            assertTrue(p.techniques().length > 0, id);
            for (AttackTechnique t : p.techniques()) {
                assertTrue(t.id != null && t.id.matches("T\\d{4}(\\.\\d{3})?"), id + ": " + t);
                assertNotNull(t.name, id + ": " + t);
                assertNotNull(t.tactic, id + ": " + t);
            }
            assertFalse(p.response.isEmpty(), id);
            assertTrue(p.response.stream().noneMatch(String::isBlank), id);
        }
    }

    @Test
    void aValidFileInADirectoryLoads() throws IOException {
        write("my.pattern", String.format(VALID, "my.pattern"));
        DetectionPattern p = PatternCatalog.load(dir, "my.pattern").get("my.pattern");
        assertEquals(Duration.ofMinutes(10), p.withinDuration());
        assertEquals(List.of(new AttackTechnique("T1609", "Container Administration Command", "Execution")),
                List.of(p.techniques()));
    }

    @Test
    void anUnknownIdIsRefused() {
        PatternCatalog c = PatternCatalog.load(Path.of("patterns"), Detections.CHAIN);
        assertThrows(IllegalArgumentException.class, () -> c.get(Detections.EXEC_THEN_SERVICE));
    }

    @Test
    void aWrongIdIsRefused() throws IOException {
        write("my.pattern", String.format(VALID, "other.pattern"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PatternCatalog.load(dir, "my.pattern"));
        assertTrue(e.getMessage().contains("other.pattern"), e.getMessage());
    }

    @Test
    void aMissingWithinIsRefused() throws IOException {
        write("my.pattern", String.format(VALID, "my.pattern").replace("within: 10m\n", ""));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PatternCatalog.load(dir, "my.pattern"));
        assertTrue(e.getMessage().contains("my.pattern") && e.getMessage().contains("within"), e.getMessage());
    }

    @Test
    void aBadWithinIsRefused() throws IOException {
        write("my.pattern", String.format(VALID, "my.pattern").replace("within: 10m", "within: a while"));
        assertThrows(IllegalStateException.class, () -> PatternCatalog.load(dir, "my.pattern"));
        write("my.pattern", String.format(VALID, "my.pattern").replace("within: 10m", "within: 0s"));
        assertThrows(IllegalStateException.class, () -> PatternCatalog.load(dir, "my.pattern"), "an unbounded pattern");
    }

    @Test
    void anUnknownSeverityIsRefused() throws IOException {
        write("my.pattern", String.format(VALID, "my.pattern").replace("severity: high", "severity: urgent"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PatternCatalog.load(dir, "my.pattern"));
        assertTrue(e.getMessage().contains("severity"), e.getMessage());
    }

    @Test
    void aMissingResponseIsRefused() throws IOException {
        write("my.pattern", String.format(VALID, "my.pattern").replace("response:\n  - \"Isolate the pod.\"\n", ""));
        assertThrows(IllegalStateException.class, () -> PatternCatalog.load(dir, "my.pattern"));
    }

    @Test
    void anUnknownFieldIsRefused() throws IOException {
        write("my.pattern", String.format(VALID, "my.pattern") + "withn: 5m\n");
        assertThrows(RuntimeException.class, () -> PatternCatalog.load(dir, "my.pattern"));
    }

    @Test
    void aMissingFileIsRefused() {
        assertThrows(RuntimeException.class, () -> PatternCatalog.load(dir, "absent"));
        assertThrows(IllegalStateException.class, () -> PatternCatalog.load(null, "absent"));
    }

    private void write(String id, String yaml) throws IOException {
        Files.writeString(dir.resolve(id + ".yaml"), yaml);
    }
}
