package io.breakwater.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Null-tolerant JSON field access and record fingerprints shared by the parsers. */
final class JsonSupport {
    private JsonSupport() {}

    /** The node at the path of object members, or a missing node; never null. */
    static JsonNode at(JsonNode node, String... names) {
        JsonNode n = node == null ? MissingNode.getInstance() : node;
        for (String name : names) {
            n = n.path(name);
        }
        return n;
    }

    /** A scalar's text (numbers and booleans too); null for null, missing, containers and blank text. */
    static String text(JsonNode node) {
        if (node == null || !node.isValueNode() || node.isNull()) {
            return null;
        }
        String s = node.asText();
        return s.isBlank() ? null : s;
    }

    static String text(JsonNode node, String... names) {
        return text(at(node, names));
    }

    /** An integer from a number or a numeric string; null otherwise. */
    static Long longValue(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static Integer intValue(JsonNode node) {
        Long v = longValue(node);
        return v == null || v > Integer.MAX_VALUE || v < Integer.MIN_VALUE ? null : v.intValue();
    }

    /** True for JSON true and the string "true" (sensors disagree on booleans). */
    static boolean isTrue(JsonNode node) {
        return node != null && (node.isBoolean() ? node.asBoolean() : "true".equalsIgnoreCase(node.asText("")));
    }

    /** The first {@code hexChars} hex characters of the SHA-256 of the text: a stable reference for id-less records. */
    static String sha256Prefix(String text, int hexChars) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, hexChars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
