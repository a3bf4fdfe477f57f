package io.breakwater.source;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetryFilesTest {
    private static final RecordNormaliser NORMALISER =
            new RecordNormaliser(new io.breakwater.ingest.TelemetryNormalizer());
    @TempDir
    Path dir;

    @Test
    void aMissingPathFailsAtOnceWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TelemetryFiles.source(List.of(dir.resolve("nope.jsonl").toString()), 100, NORMALISER));
        assertTrue(e.getMessage().contains("nope.jsonl"), e.getMessage());
    }

    @Test
    void aBrokenSymlinkInsideADirectoryFailsAtOnce() throws Exception {
        Files.writeString(dir.resolve("ok.jsonl"), "{}\n");
        Files.createSymbolicLink(dir.resolve("gone.jsonl"), dir.resolve("deleted-target"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TelemetryFiles.source(List.of(dir.toString()), 100, NORMALISER));
        assertTrue(e.getMessage().contains("gone.jsonl"), e.getMessage());
    }

    @Test
    void namedFilesAreAlwaysReadAndHiddenEntriesOfDirectoriesAreNot() throws Exception {
        Path named = dir.resolve("_audit.jsonl");
        Files.writeString(named, "{}\n");
        TelemetryFiles.source(List.of(named.toString()), 100, NORMALISER); // accepted, no exception
        var filter = new TelemetryFiles.NamedOrVisible(Set.of(named.toUri().getPath()));
        assertTrue(filter.test(new org.apache.flink.core.fs.Path(named.toUri())), "named explicitly");
        assertFalse(filter.test(new org.apache.flink.core.fs.Path(dir.resolve("_SUCCESS").toUri())));
        assertFalse(filter.test(new org.apache.flink.core.fs.Path(dir.resolve(".swp").toUri())));
        assertTrue(filter.test(new org.apache.flink.core.fs.Path(dir.resolve("falco.json").toUri())));
    }
}
