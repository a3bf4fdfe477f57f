package io.breakwater.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The detections' descriptions, read from {@code patterns/<id>.yaml}: from a directory when the operator names
 * one, else from the copies bundled in the job jar. A missing or invalid file fails the job at start, never
 * silently at match time.
 */
public final class PatternCatalog implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, DetectionPattern> byId;

    private PatternCatalog(Map<String, DetectionPattern> byId) {
        this.byId = byId;
    }

    /** Loads the given pattern ids from {@code dir}, or from the classpath folder {@code patterns/} when dir is null. */
    public static PatternCatalog load(Path dir, String... ids) {
        Map<String, DetectionPattern> byId = new TreeMap<>();
        for (String id : ids) {
            DetectionPattern p = read(dir, id + ".yaml");
            validate(p, id);
            byId.put(id, p);
        }
        return new PatternCatalog(byId);
    }

    public DetectionPattern get(String id) {
        DetectionPattern p = byId.get(id);
        if (p == null) {
            throw new IllegalArgumentException("no pattern " + id);
        }
        return p;
    }

    private static DetectionPattern read(Path dir, String file) {
        try {
            if (dir != null) {
                try (InputStream in = Files.newInputStream(dir.resolve(file))) {
                    return YAML.readValue(in, DetectionPattern.class);
                }
            }
            try (InputStream in = PatternCatalog.class.getClassLoader().getResourceAsStream("patterns/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("pattern file patterns/" + file + " is not bundled in the job jar");
                }
                return YAML.readValue(in, DetectionPattern.class);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pattern file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void validate(DetectionPattern p, String id) {
        if (!id.equals(p.id)) {
            throw new IllegalStateException("pattern file " + id + ".yaml declares id " + p.id);
        }
        if (p.version == null || p.title == null || p.severity == null || p.response == null || p.response.isEmpty()) {
            throw new IllegalStateException("pattern " + id + " needs version, title, severity and response");
        }
        if (!p.severity.matches("low|medium|high|critical")) {
            throw new IllegalStateException("pattern " + id + ": severity must be low, medium, high or critical");
        }
        try {
            p.withinDuration(); // every pattern is bounded in time: fail now if it is not
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("pattern " + id + ": within: " + e.getMessage(), e);
        }
    }
}
