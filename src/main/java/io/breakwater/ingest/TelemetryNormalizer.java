package io.breakwater.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.List;

/**
 * One raw record (a line or a Kafka value) to events or a dead letter. Never throws. Serializable so Flink can
 * ship it inside a function; the mapper and parsers are created lazily on the task manager.
 */
public class TelemetryNormalizer implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_DEAD_LETTER_RAW_CHARS = 4096;
    private static final int MAX_DETAIL_CHARS = 300;

    private final int maxRecordBytes;
    private final int maxDeadLetterRawChars;
    private transient ObjectMapper mapper;
    private transient List<Parser> parsers;

    private record Parser(String format, TelemetryParser parser) {}

    public TelemetryNormalizer() {
        this(DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_DEAD_LETTER_RAW_CHARS);
    }

    public TelemetryNormalizer(int maxRecordBytes, int maxDeadLetterRawChars) {
        this.maxRecordBytes = maxRecordBytes;
        this.maxDeadLetterRawChars = maxDeadLetterRawChars;
    }

    /**
     * @param raw    the record text (one JSON object)
     * @param origin where it came from (file path, topic/partition/offset), copied into a dead letter
     */
    public ParseOutcome normalise(String raw, String origin) {
        String format = null;
        try {
            long bytes = utf8Length(raw);
            if (bytes > maxRecordBytes) {
                return deadLetter(null, "oversized", bytes + " bytes > " + maxRecordBytes, raw, origin);
            }
            JsonNode record;
            try {
                record = AuditEventParser.unwrapAksEnvelope(mapper().readTree(raw == null ? "" : raw), mapper());
            } catch (JsonProcessingException e) {
                // Jackson quotes the offending token ("Unrecognized token 'hunter2'"): never repeat record text
                String message = firstLine(e.getOriginalMessage());
                return deadLetter(null, "malformed-json",
                        message == null ? null : message.replaceAll("'[^']*'", "'…'"), raw, origin);
            }
            if (record == null || !record.isObject()) {
                return deadLetter(null, "malformed-json",
                        "not a JSON object: " + (record == null || record.isMissingNode() ? "empty"
                                : record.getNodeType().toString().toLowerCase()), raw, origin);
            }
            for (Parser p : parsers()) {
                if (p.parser().accepts(record)) {
                    format = p.format();
                    try {
                        return ParseOutcome.events(format, p.parser().parse(record));
                    } catch (MalformedRecordException e) {
                        return deadLetter(format, e.reason(), e.getMessage(), raw, origin);
                    }
                }
            }
            return deadLetter(null, "unknown-format", "no parser accepts the record", raw, origin);
        } catch (RuntimeException e) {
            return deadLetter(format, "parser-error", e.getClass().getName(), raw, origin);
        }
    }

    private ParseOutcome deadLetter(String format, String reason, String detail, String raw, String origin) {
        String text = raw == null ? "" : raw;
        // cut before redacting (bounded work on huge records), with slack so a value's name stays with it
        String redacted = SecretRedactor.redact(text.substring(0, Math.min(text.length(), 2 * maxDeadLetterRawChars)));
        String capped = redacted.substring(0, Math.min(redacted.length(), maxDeadLetterRawChars));
        String safeDetail = detail == null ? null : SecretRedactor.redact(detail);
        if (safeDetail != null && safeDetail.length() > MAX_DETAIL_CHARS) {
            safeDetail = safeDetail.substring(0, MAX_DETAIL_CHARS);
        }
        return ParseOutcome.deadLetter(format, new DeadLetter(reason, safeDetail, origin, utf8Length(raw), capped,
                System.currentTimeMillis()));
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            // {"a":1}{"b":2} on one line is two records glued together, not one
            // a record naming one field twice is ambiguous (which value did the sensor mean?): refuse it
            mapper = new ObjectMapper(JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        }
        return mapper;
    }

    private List<Parser> parsers() {
        if (parsers == null) {
            parsers = List.of(new Parser(AuditEventParser.FORMAT, new AuditEventParser(mapper())),
                    new Parser(FalcoAlertParser.FORMAT, new FalcoAlertParser()),
                    new Parser(TetragonEventParser.FORMAT, new TetragonEventParser()));
        }
        return parsers;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return null;
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** UTF-8 size without allocating a byte copy of a possibly huge record. */
    private static long utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
