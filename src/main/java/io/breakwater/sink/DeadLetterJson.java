package io.breakwater.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakwater.ingest.DeadLetter;
import java.io.Serializable;

/** A dead letter as one JSON line: reason, detail, origin, size and the redacted, capped raw copy. */
public final class DeadLetterJson implements Serializable {
    private static final long serialVersionUID = 1L;
    private transient ObjectMapper mapper;

    public String toJson(DeadLetter d) {
        if (mapper == null) {
            mapper = new ObjectMapper();
        }
        ObjectNode n = mapper.createObjectNode();
        n.put("reason", d.reason);
        n.put("detail", d.detail);
        n.put("origin", d.origin);
        n.put("raw_bytes", d.rawBytes);
        n.put("rejected_at", d.rejectedAt);
        n.put("raw", d.raw);
        try {
            return mapper.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a dead letter always serialises", e);
        }
    }
}
