package io.breakwater.source;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file source over {@code input.paths}, checked before the job starts: a missing or unreadable path (a broken
 * symlink inside a directory too) fails at once with its name, not minutes later deep in a task. A file named on
 * the command line is always read; inside directories, hidden entries ({@code .x}, {@code _x}: editor and job
 * markers) are skipped, and the log says which.
 */
public final class TelemetryFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryFiles.class);

    private TelemetryFiles() {}

    public static FileSource<NormalisedRecord> source(List<String> inputPaths, int maxRecordChars,
            RecordNormaliser normaliser) {
        Set<String> named = new TreeSet<>();
        List<String> skipped = new ArrayList<>();
        for (String p : inputPaths) {
            Path path = Path.of(p).toAbsolutePath().normalize();
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("input path does not exist: " + p);
            }
            if (Files.isRegularFile(path)) {
                named.add(path.toUri().getPath());
            }
            check(path, skipped);
        }
        if (!skipped.isEmpty()) {
            LOG.warn("skipping {} hidden input entries (name starts with '.' or '_'): {}", skipped.size(), skipped);
        }
        org.apache.flink.core.fs.Path[] roots = inputPaths.stream()
                .map(p -> new org.apache.flink.core.fs.Path(Path.of(p).toAbsolutePath().normalize().toUri()))
                .toArray(org.apache.flink.core.fs.Path[]::new);
        NamedOrVisible filter = new NamedOrVisible(named);
        return FileSource.forBulkFileFormat(new TelemetryFileFormat(maxRecordChars, normaliser), roots)
                .setFileEnumerator(() -> new NonSplittingRecursiveEnumerator(filter))
                .build();
    }

    private static void check(Path path, List<String> skipped) {
        if (Files.isRegularFile(path)) {
            if (!Files.isReadable(path)) {
                throw new IllegalArgumentException("input file is not readable: " + path);
            }
            return;
        }
        if (!Files.isDirectory(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException("input path is neither a readable file nor a directory: " + path);
        }
        try (Stream<Path> entries = Files.list(path)) {
            for (Path entry : entries.sorted().toList()) {
                if (hidden(entry.getFileName().toString())) {
                    skipped.add(entry.toString());
                } else {
                    check(entry, skipped);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input directory " + path, e);
        }
    }

    static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /** Accepts explicitly named files and every entry whose name is not hidden. */
    static final class NamedOrVisible implements Predicate<org.apache.flink.core.fs.Path>, Serializable {
        private static final long serialVersionUID = 1L;
        private final Set<String> named;

        NamedOrVisible(Set<String> named) {
            this.named = named;
        }

        @Override
        public boolean test(org.apache.flink.core.fs.Path p) {
            return named.contains(p.toUri().getPath()) || !hidden(p.getName());
        }
    }
}
