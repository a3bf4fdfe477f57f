package io.breakwater.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.breakwater.event.EventKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class TelemetryNormalizerTest {
    private final TelemetryNormalizer normalizer = new TelemetryNormalizer();

    private DeadLetter rejected(String raw, String reason) {
        ParseOutcome out = normalizer.normalise(raw, "topic-a/0/17");
        assertTrue(out.isDeadLetter(), "expected a dead letter for " + raw);
        assertEquals(reason, out.deadLetter.reason, out.deadLetter.detail);
        assertEquals("topic-a/0/17", out.deadLetter.origin);
        assertTrue(out.deadLetter.rejectedAt > 0);
        return out.deadLetter;
    }

    @Test
    void malformedJsonAndNonObjects() {
        DeadLetter d = rejected("{\"kind\":\"Event\",", "malformed-json");
        assertFalse(d.detail.contains("\n"));
        rejected("[{\"kind\":\"Event\"}]", "malformed-json");
        rejected("", "malformed-json");
        rejected("   ", "malformed-json");
        rejected(null, "malformed-json");
        rejected("42", "malformed-json");
        rejected("{\"a\":1}{\"b\":2}", "malformed-json");
    }

    @Test
    void theParserErrorNeverRepeatsTheOffendingText() {
        DeadLetter d = rejected("{\"password\": hunter2XYZQ1}", "malformed-json");
        assertFalse(d.detail.contains("hunter2XYZQ1"), d.detail);
        assertFalse(d.raw.contains("hunter2XYZQ1"), d.raw);
    }

    @Test
    void aFieldNamedTwiceIsMalformed() {
        DeadLetter d = rejected("{\"kind\":\"Event\",\"verb\":\"get\",\"verb\":\"delete\"}", "malformed-json");
        assertTrue(d.detail.startsWith("Duplicate field"), d.detail);
    }

    @Test
    void anUnknownTetragonEventTypeIsADeadLetterAndAKnownUnusedOneIsNot() {
        rejected("{\"process_teleport\":{\"process\":{\"binary\":\"/bin/sh\"}},\"time\":\"2025-03-04T10:00:00Z\"}",
                "unknown-event-type");
        ParseOutcome lsm = normalizer.normalise(
                "{\"process_lsm\":{\"process\":{\"binary\":\"/bin/sh\"}},\"time\":\"2025-03-04T10:00:00Z\"}", "f");
        assertFalse(lsm.isDeadLetter());
        assertTrue(lsm.events.isEmpty());
    }

    @Test
    void aFalcoAlertWithoutItsFieldsIsADeadLetter() {
        DeadLetter d = rejected("{\"rule\":\"Systemd unit file created in container\",\"output\":\"x\","
                + "\"priority\":\"Critical\",\"time\":\"2026-01-01T00:00:00Z\",\"output_fields\":null}", "missing-fields");
        assertTrue(d.detail.contains("Systemd unit file created in container"), d.detail);
    }

    @Test
    void unknownFormat() {
        assertEquals(null, normalizer.normalise("{\"kind\": 0}", "f").format);
        rejected("{\"kind\": 0}", "unknown-format");
        rejected("{\"flow\":{\"verdict\":\"FORWARDED\"},\"node_name\":\"n\"}", "unknown-format");
    }

    @Test
    void oversizedRecordsAreCappedInTheDeadLetter() {
        TelemetryNormalizer small = new TelemetryNormalizer(100, 50);
        String raw = "{\"kind\":\"Event\",\"note\":\"" + "é".repeat(60) + "\"}";
        ParseOutcome out = small.normalise(raw, "o");
        assertEquals("oversized", out.deadLetter.reason);
        assertEquals(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, out.deadLetter.rawBytes);
        assertEquals(50, out.deadLetter.raw.length());
    }

    @Test
    void deadLetterRawIsCappedByDefault() {
        DeadLetter d = rejected("{\"kind\":0,\"pad\":\"" + "x".repeat(10_000) + "\"}", "unknown-format");
        assertEquals(TelemetryNormalizer.DEFAULT_MAX_DEAD_LETTER_RAW_CHARS, d.raw.length());
    }

    @Test
    void secretsNeverReachADeadLetter() {
        String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhdHRhY2tlciJ9.c2lnbmF0dXJl";
        DeadLetter malformed = rejected("{\"kind\":\"Event\",\"token\":\"" + token + "\", oops", "malformed-json");
        assertFalse(malformed.raw.contains(token));
        assertFalse(malformed.raw.contains("eyJzdWIiOiJhdHRhY2tlciJ9"));

        DeadLetter unquoted = rejected("{\"password\": " + token + "}", "malformed-json");
        assertFalse(unquoted.raw.contains("c2lnbmF0dXJl"));
        assertFalse(String.valueOf(unquoted.detail).contains("c2lnbmF0dXJl"));

        DeadLetter noTime = rejected("{\"kind\":\"Event\",\"verb\":\"get\",\"objectRef\":{\"resource\":\"secrets\"},"
                + "\"responseObject\":{\"data\":{\"k\":\"dG9wLXNlY3JldA==\"}}}", "missing-event-time");
        assertFalse(noTime.raw.contains("dG9wLXNlY3JldA=="));
    }

    @Test
    void formatsAndEvents() {
        ParseOutcome audit = normalizer.normalise("{\"kind\":\"Event\",\"verb\":\"get\",\"auditID\":\"1\","
                + "\"stageTimestamp\":\"2025-03-04T10:00:00Z\",\"objectRef\":{\"resource\":\"pods\","
                + "\"subresource\":\"exec\",\"name\":\"p\"}}", "o");
        assertEquals("k8s_audit", audit.format);
        assertEquals(EventKind.CONTAINER_EXEC, audit.events.get(0).kind);

        ParseOutcome aks = normalizer.normalise("{\"properties\":{\"log\":{\"kind\":\"Event\",\"verb\":\"list\","
                + "\"auditID\":\"2\",\"stageTimestamp\":\"2025-03-04T10:00:00Z\",\"objectRef\":{\"resource\":\"secrets\"}}}}",
                "o");
        assertEquals(EventKind.CREDENTIAL_ACCESS, aks.events.get(0).kind);
        rejected("{\"properties\":{\"log\":\"{not json\"}}", "malformed-json");

        ParseOutcome falco = normalizer.normalise("{\"rule\":\"r\",\"output\":\"o\",\"priority\":\"Notice\","
                + "\"time\":\"2025-03-04T10:00:00Z\",\"output_fields\":{}}", "o");
        assertEquals("falco", falco.format);
        assertEquals(0, falco.events.size());

        DeadLetter noTime = rejected("{\"process_exit\":{\"process\":{\"binary\":\"/x\"}}}", "missing-event-time");
        assertNotNull(noTime.raw);
        assertEquals("tetragon", normalizer.normalise("{\"process_exit\":{\"process\":{}}}", "o").format);
    }

    @Test
    void neverThrowsOnHostileInput() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        String[] inputs = {deep, "{\"kind\":\"Event\",\"verb\":\"get\",\"stageTimestamp\":\"yesterday\",\"auditID\":\"x\"}",
            "{\"kind\":\"Event\",\"verb\":[],\"auditID\":{}}", "{\"rule\":\"r\",\"output\":\"o\",\"priority\":\"x\","
                + "\"output_fields\":{\"evt.time\":\"99999999999999999999999\"}}", "\u0000\uFFFF", "{\"protoPayload\":"
                + "{\"methodName\":\"io.k8s.\"}}", "{\"process_kprobe\":{\"process\":{},\"args\":[null,1,{\"file_arg\":7}]},"
                + "\"time\":\"2025-03-04T10:00:00Z\"}"};
        for (String raw : inputs) {
            ParseOutcome out = normalizer.normalise(raw, "fuzz");
            assertNotNull(out);
            assertTrue(out.isDeadLetter() || out.events != null);
        }
        assertEquals("invalid-event-time", normalizer.normalise(inputs[1], "o").deadLetter.reason);
    }

    @Test
    void survivesJavaSerialisation() throws Exception {
        normalizer.normalise("{\"kind\":0}", "warm-up"); // creates the transient mapper and parsers
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(normalizer);
        }
        TelemetryNormalizer copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (TelemetryNormalizer) in.readObject();
        }
        assertEquals("unknown-format", copy.normalise("{\"kind\":0}", "o").deadLetter.reason);
    }
}
