package io.breakwater.finding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.breakwater.event.Evidence;
import io.breakwater.ingest.SecretRedactor;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a finding as one line of OCSF 1.3 Detection Finding JSON (class_uid 2004), the field names SIEMs ingest
 * as is; what OCSF has no place for goes under {@code unmapped}. docs/findings.md maps every field.
 *
 * <p>Free text that came from telemetry (commands, targets) passes the secret redactor once more on the way out:
 * a token typed on a command line must not reach an alert.
 */
public final class FindingJson implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String OCSF_VERSION = "1.3.0";
    public static final String PRODUCT_VERSION = "0.1.0";
    private static final Map<String, Integer> SEVERITY_IDS = Map.of("low", 2, "medium", 3, "high", 4, "critical", 5);
    private transient ObjectMapper mapper;

    public String toJson(Finding f) {
        try {
            return mapper().writeValueAsString(toTree(f));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a finding always serialises", e);
        }
    }

    public ObjectNode toTree(Finding f) {
        ObjectMapper m = mapper();
        ObjectNode root = m.createObjectNode();
        root.put("class_uid", 2004);
        root.put("class_name", "Detection Finding");
        root.put("category_uid", 2);
        root.put("category_name", "Findings");
        root.put("activity_id", 1);
        root.put("activity_name", "Create");
        root.put("type_uid", 200401);
        root.put("type_name", "Detection Finding: Create");
        root.put("severity_id", SEVERITY_IDS.getOrDefault(f.severity, 0));
        root.put("severity", capitalise(f.severity));
        root.put("status_id", 1);
        root.put("status", "New");
        root.put("time", f.detectionTime);
        root.put("message", f.title);

        ObjectNode metadata = root.putObject("metadata");
        metadata.put("version", OCSF_VERSION);
        metadata.put("uid", f.findingId);
        metadata.put("event_code", f.patternId);
        ObjectNode product = metadata.putObject("product");
        product.put("name", "Breakwater");
        product.put("vendor_name", "Breakwater");
        product.put("version", PRODUCT_VERSION);

        ObjectNode info = root.putObject("finding_info");
        info.put("uid", f.findingId);
        info.put("title", f.title);
        info.put("desc", f.description);
        info.put("first_seen_time", f.firstEventTime);
        info.put("last_seen_time", f.lastEventTime);
        info.put("created_time", f.detectionTime);
        ObjectNode analytic = info.putObject("analytic");
        analytic.put("uid", f.patternId);
        analytic.put("name", f.title);
        analytic.put("type_id", 1);
        analytic.put("type", "Rule");
        analytic.put("version", f.patternVersion);
        ArrayNode attacks = info.putArray("attacks");
        for (AttackTechnique t : f.techniques) {
            ObjectNode attack = attacks.addObject();
            ObjectNode technique = attack.putObject("technique");
            technique.put("uid", t.id);
            technique.put("name", t.name);
            if (t.tactic != null) {
                attack.putObject("tactic").put("name", t.tactic);
            }
        }

        ObjectNode resource = root.putArray("resources").addObject();
        resource.put("type", "kubernetes_pod");
        resource.put("name", f.pod);
        resource.put("namespace", f.namespace);
        resource.put("cloud_partition", f.cluster);
        if (f.principal != null) {
            root.putObject("actor").putObject("user").put("name", f.principal);
        }
        if (f.node != null) {
            root.putObject("device").put("hostname", f.node);
        }

        ArrayNode evidences = root.putArray("evidences");
        for (Evidence e : f.evidence) {
            evidences.add(evidence(m, e));
        }

        ObjectNode remediation = root.putObject("remediation");
        remediation.put("desc", String.join("\n", f.response));

        ObjectNode unmapped = root.putObject("unmapped");
        ObjectNode entity = unmapped.putObject("entity");
        entity.put("cluster", f.cluster);
        entity.put("namespace", f.namespace);
        entity.put("pod", f.pod);
        entity.put("workload", f.workload);
        entity.put("container", f.container);
        entity.put("container_id", f.containerId);
        entity.put("image", f.image);
        entity.put("node", f.node);
        entity.put("principal", f.principal);
        ArrayNode response = unmapped.putArray("response_steps");
        for (String step : f.response) {
            response.add(step);
        }
        unmapped.put("pattern_version", f.patternVersion);
        return root;
    }

    private static ObjectNode evidence(ObjectMapper m, Evidence e) {
        ObjectNode ev = m.createObjectNode();
        ObjectNode data = ev.putObject("data");
        data.put("time", e.time);
        data.put("source", e.source == null ? null : e.source.name().toLowerCase(Locale.ROOT));
        data.put("kind", e.kind == null ? null : e.kind.name());
        data.put("action", e.action);
        data.put("target", SecretRedactor.redactArgument(e.target));
        data.put("raw_ref", e.rawRef);
        if (e.principal != null) {
            ev.putObject("actor").putObject("user").put("name", e.principal);
        }
        if (e.containerId != null || e.image != null) {
            ObjectNode container = ev.putObject("container");
            container.put("uid", e.containerId);
            if (e.image != null) {
                container.putObject("image").put("name", e.image);
            }
        }
        if (e.pod != null) {
            ObjectNode resource = ev.putObject("resource");
            resource.put("type", "kubernetes_pod");
            resource.put("name", e.pod);
            resource.put("namespace", e.namespace);
        }
        if (e.process != null) {
            ev.putObject("process").put("cmd_line", SecretRedactor.redactArgument(e.process));
        }
        if (e.peerIp != null) {
            ObjectNode dst = ev.putObject("dst_endpoint");
            dst.put("ip", e.peerIp);
            if (e.peerPort != null) {
                dst.put("port", e.peerPort);
            }
            if (e.protocol != null) {
                ev.putObject("connection_info").put("protocol_name", e.protocol.toLowerCase(Locale.ROOT));
            }
        }
        if (e.node != null) {
            ev.putObject("device").put("hostname", e.node);
        }
        return ev;
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper();
        }
        return mapper;
    }

    private static String capitalise(String s) {
        return s == null || s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
