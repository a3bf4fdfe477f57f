package io.breakwater.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.breakwater.event.SecurityEvent;
import java.util.List;

/** Turns one JSON record of one sensor format into normalised events. Implementations are stateless. */
public interface TelemetryParser {

    /** True when the record has this format's shape; decided on structure only, never throws. */
    boolean accepts(JsonNode record);

    /**
     * The events the record means; empty when it is well-formed but of no interest to detection.
     *
     * @throws MalformedRecordException when the record has this format's shape but cannot be used
     */
    List<SecurityEvent> parse(JsonNode record) throws MalformedRecordException;
}
