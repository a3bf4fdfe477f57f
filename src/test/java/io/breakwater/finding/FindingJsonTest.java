package io.breakwater.finding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.breakwater.event.EventKind;
import io.breakwater.event.Evidence;
import io.breakwater.event.TelemetrySource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FindingJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TOKEN = "abc123secret";
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig";

    static Finding finding(String severity) {
        Evidence service = new Evidence();
        service.time = 1_700_000_000_000L;
        service.source = TelemetrySource.TETRAGON;
        service.kind = EventKind.SERVICE_CREATE;
        service.action = "systemctl enable";
        service.process = "/usr/local/bin/agent --token=" + TOKEN + " --interval=5s";
        service.target = "Authorization: Bearer " + JWT;
        service.namespace = "shop";
        service.pod = "web-6b7f9d8c54-x2v9r";
        service.containerId = "0123456789ab";
        service.image = "nginx:1.25";
        service.rawRef = "tetragon:process_exec:abc@1";

        Evidence connect = new Evidence();
        connect.time = 1_700_000_060_000L;
        connect.source = TelemetrySource.TETRAGON;
        connect.kind = EventKind.NETWORK_CONNECT;
        connect.action = "connect";
        connect.namespace = "shop";
        connect.pod = "web-6b7f9d8c54-x2v9r";
        connect.peerIp = "203.0.113.77";
        connect.peerPort = 4444;
        connect.protocol = "TCP";
        connect.node = "node-1";
        connect.rawRef = "tetragon:process_connect:def@2";

        Finding f = new Finding();
        f.findingId = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        f.patternId = "breakwater.exec-then-service-create";
        f.patternVersion = "3";
        f.title = "Service created in a container after an exec into it";
        f.description = "An exec, then a service.";
        f.severity = severity;
        f.techniques = new AttackTechnique[] {
            new AttackTechnique("T1609", "Container Administration Command", "Execution"),
            new AttackTechnique("T1543", "Create or Modify System Process", "Persistence"),
            new AttackTechnique("T9999", "Made-up technique", null)};
        f.response = new String[] {"Isolate the pod.", "Rotate the credential."};
        f.cluster = "prod-eu";
        f.namespace = "shop";
        f.pod = "web-6b7f9d8c54-x2v9r";
        f.container = "web";
        f.containerId = "0123456789ab";
        f.image = "nginx:1.25";
        f.node = "node-1";
        f.principal = "system:serviceaccount:shop:deployer";
        f.workload = "Deployment/web";
        f.firstEventTime = service.time;
        f.lastEventTime = connect.time;
        f.detectionTime = 1_700_000_100_000L;
        f.evidence = new Evidence[] {service, connect};
        return f;
    }

    @Test
    void ocsfDetectionFindingFields() throws Exception {
        Finding f = finding("high");
        String json = new FindingJson().toJson(f);
        assertFalse(json.contains("\n"), "one line");
        JsonNode root = MAPPER.readTree(json);

        assertEquals(2004, root.path("class_uid").asInt());
        assertEquals(2, root.path("category_uid").asInt());
        assertEquals(200401, root.path("type_uid").asInt());
        assertEquals(1, root.path("activity_id").asInt());
        assertEquals(4, root.path("severity_id").asInt());
        assertEquals("High", root.path("severity").asText());
        assertEquals(f.detectionTime, root.path("time").asLong());
        assertEquals(FindingJson.OCSF_VERSION, root.path("metadata").path("version").asText());
        assertEquals(f.findingId, root.path("metadata").path("uid").asText());

        JsonNode info = root.path("finding_info");
        assertEquals(f.findingId, info.path("uid").asText());
        assertEquals(f.title, info.path("title").asText());
        assertEquals(f.patternId, info.path("analytic").path("uid").asText());
        assertEquals("3", info.path("analytic").path("version").asText());
        assertEquals(1_700_000_000_000L, info.path("first_seen_time").asLong());
        assertEquals(1_700_000_060_000L, info.path("last_seen_time").asLong());
        JsonNode attacks = info.path("attacks");
        assertEquals(3, attacks.size());
        assertEquals("T1609", attacks.get(0).path("technique").path("uid").asText());
        assertEquals("Container Administration Command", attacks.get(0).path("technique").path("name").asText());
        assertEquals("Execution", attacks.get(0).path("tactic").path("name").asText());
        assertEquals("T1543", attacks.get(1).path("technique").path("uid").asText());
        assertEquals("Persistence", attacks.get(1).path("tactic").path("name").asText());
        assertEquals("T9999", attacks.get(2).path("technique").path("uid").asText());
        assertTrue(attacks.get(2).path("tactic").isMissingNode(), "no tactic invented where the pattern names none");

        JsonNode evidences = root.path("evidences");
        assertEquals(2, evidences.size());
        assertTrue(evidences.get(0).path("dst_endpoint").isMissingNode());
        assertEquals("SERVICE_CREATE", evidences.get(0).path("data").path("kind").asText());
        assertEquals("tetragon", evidences.get(0).path("data").path("source").asText());
        assertEquals("0123456789ab", evidences.get(0).path("container").path("uid").asText());
        assertEquals("nginx:1.25", evidences.get(0).path("container").path("image").path("name").asText());
        assertEquals("203.0.113.77", evidences.get(1).path("dst_endpoint").path("ip").asText());
        assertEquals(4444, evidences.get(1).path("dst_endpoint").path("port").asInt());
        assertEquals("tcp", evidences.get(1).path("connection_info").path("protocol_name").asText());
        assertEquals("tetragon:process_connect:def@2", evidences.get(1).path("data").path("raw_ref").asText());
        assertEquals("node-1", evidences.get(1).path("device").path("hostname").asText());

        JsonNode resource = root.path("resources").get(0);
        assertEquals("kubernetes_pod", resource.path("type").asText());
        assertEquals("web-6b7f9d8c54-x2v9r", resource.path("name").asText());
        assertEquals("shop", resource.path("namespace").asText());
        assertEquals("prod-eu", resource.path("cloud_partition").asText());
        assertEquals(f.principal, root.path("actor").path("user").path("name").asText());

        JsonNode entity = root.path("unmapped").path("entity");
        assertEquals("prod-eu", entity.path("cluster").asText());
        assertEquals("shop", entity.path("namespace").asText());
        assertEquals("web-6b7f9d8c54-x2v9r", entity.path("pod").asText());
        assertEquals("Deployment/web", entity.path("workload").asText());
        assertEquals("web", entity.path("container").asText());
        assertEquals("0123456789ab", entity.path("container_id").asText());
        assertEquals("nginx:1.25", entity.path("image").asText());
        assertEquals("node-1", entity.path("node").asText());
        assertEquals(f.principal, entity.path("principal").asText());
        assertEquals(2, root.path("unmapped").path("response_steps").size());
        assertEquals("3", root.path("unmapped").path("pattern_version").asText());

        assertEquals("Isolate the pod.\nRotate the credential.", root.path("remediation").path("desc").asText());
    }

    @ParameterizedTest
    @CsvSource({"low, 2", "medium, 3", "high, 4", "critical, 5"})
    void severityIds(String severity, int id) {
        assertEquals(id, new FindingJson().toTree(finding(severity)).path("severity_id").asInt());
    }

    @Test
    void secretsFromTelemetryNeverReachTheJson() throws Exception {
        String json = new FindingJson().toJson(finding("critical"));
        assertFalse(json.contains(TOKEN), json);
        assertFalse(json.contains(JWT), json);
        assertFalse(json.contains("eyJhbGciOiJIUzI1NiJ9"), json);
        assertFalse(json.contains("eyJzdWIiOiJ4In0"), json);
        JsonNode first = MAPPER.readTree(json).path("evidences").get(0);
        String cmd = first.path("process").path("cmd_line").asText();
        assertTrue(cmd.startsWith("/usr/local/bin/agent --token="), cmd);
        assertTrue(cmd.contains("--interval=5s"), cmd);
        assertTrue(first.path("data").path("target").asText().startsWith("Authorization:"));
    }

    @Test
    void aProcessThatIsOnlyTheSecretFlagIsRedactedToo() {
        Finding f = finding("high");
        f.evidence[0].process = "--token=" + TOKEN;
        f.evidence[1].process = "curl -H 'Authorization: Bearer " + JWT + "' http://203.0.113.77:4444/";
        String json = new FindingJson().toJson(f);
        assertFalse(json.contains(TOKEN), json);
        assertFalse(json.contains("eyJhbGciOiJIUzI1NiJ9"), json);
    }
}
