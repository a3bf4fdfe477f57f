package io.breakwater.ingest;

import static io.breakwater.ingest.EventAssertions.json;
import static io.breakwater.ingest.EventAssertions.single;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.breakwater.event.EventKind;
import io.breakwater.event.NetworkPeer;
import io.breakwater.event.SecurityEvent;
import io.breakwater.event.TelemetrySource;
import java.util.List;
import org.junit.jupiter.api.Test;

class FalcoAlertParserTest {
    private static final String CID = "3f7a9c1b2d4e";
    private final FalcoAlertParser parser = new FalcoAlertParser();

    /** A syscall alert; {@code fields} are extra output_fields members (leading comma included). */
    private static String alert(String rule, String fields) {
        return """
            {"hostname":"worker-3","output":"10:00:00.000000000: Notice something happened","priority":"Notice",
             "rule":"%s","source":"syscall","time":"2025-03-04T10:00:00.987654321Z",
             "output_fields":{"evt.time":1741082400123456789,"container.id":"%s","container.name":"web",
               "container.image.repository":"docker.io/library/nginx","container.image.tag":"1.25",
               "k8s.ns.name":"shop","k8s.pod.name":"cart-5f8d7-qw2er","user.name":"root",
               "proc.aname[2]":"containerd-shim","proc.pid":"4242"%s}}
            """.formatted(rule, CID, fields);
    }

    @Test
    void terminalShellUnderTheRuntimeIsAContainerExec() throws Exception {
        SecurityEvent e = single(parser.parse(json(alert("Terminal shell in container",
                ",\"evt.type\":\"execve\",\"proc.exepath\":\"/bin/bash\",\"proc.name\":\"bash\",\"proc.args\":\"-i\","
                        + "\"proc.pname\":\"runc\""))), EventKind.CONTAINER_EXEC);
        assertEquals(TelemetrySource.FALCO, e.source);
        assertEquals(1741082400123L, e.eventTime);
        assertEquals("shop", e.namespace);
        assertEquals("cart-5f8d7-qw2er", e.pod);
        assertEquals(CID, e.containerId);
        assertEquals("web", e.container);
        assertEquals("docker.io/library/nginx:1.25", e.image);
        assertEquals("worker-3", e.node);
        assertEquals("root", e.principal);
        assertEquals("/bin/bash", e.process.binary);
        assertArrayEquals(new String[] {"-i"}, e.process.arguments);
        assertEquals("runc", e.process.parentBinary);
        assertEquals(4242, e.process.pid);
        assertEquals("Terminal shell in container", e.sensorRule);
        assertTrue(e.rawRef.matches("falco:[0-9a-f]{16}"));
    }

    @Test
    void rawRefIsStableForTheSameRecord() throws Exception {
        String text = alert("Some rule", "");
        assertEquals(parser.parse(json(text)).get(0).rawRef, parser.parse(json(text)).get(0).rawRef);
        assertFalse(parser.parse(json(text)).get(0).rawRef.equals(
                parser.parse(json(alert("Other rule", ""))).get(0).rawRef));
    }

    @Test
    void nullAndNaPodAreUnknownAndHostIsNoContainer() throws Exception {
        String nullPod = alert("Some rule", "").replace("\"cart-5f8d7-qw2er\"", "null");
        assertEquals(List.of(), parser.parse(json(nullPod))); // no pod: not even an identity fact
        String naPod = alert("Some rule", "").replace("\"cart-5f8d7-qw2er\"", "\"<NA>\"");
        assertEquals(List.of(), parser.parse(json(naPod)));

        String host = alert("Terminal shell in container", ",\"evt.type\":\"execve\",\"proc.exepath\":\"/bin/sh\","
                + "\"proc.pname\":\"sshd\"").replace("\"" + CID + "\"", "\"host\"");
        assertEquals(List.of(), parser.parse(json(host)));

        SecurityEvent fact = single(parser.parse(json(alert("Some rule", ""))), EventKind.OBSERVATION);
        assertEquals(CID, fact.containerId);
    }

    @Test
    void renameOfATempFileOntoAUnitIsServiceCreation() throws Exception {
        SecurityEvent e = single(parser.parse(json(alert("Unit file written", ",\"evt.type\":\"renameat2\","
                + "\"evt.arg.oldpath\":\"/etc/systemd/system/.x.service.tmp\","
                + "\"evt.arg.newpath\":\"/etc/systemd/system/x.service\",\"proc.exepath\":\"/usr/bin/mv\""))),
                EventKind.SERVICE_CREATE);
        assertEquals("/etc/systemd/system/x.service", e.target);

        List<SecurityEvent> away = parser.parse(json(alert("Rename", ",\"evt.type\":\"rename\","
                + "\"evt.arg.oldpath\":\"/etc/systemd/system/x.service\",\"evt.arg.newpath\":\"/tmp/x\"")));
        assertTrue(away.stream().noneMatch(ev -> ev.kind == EventKind.SERVICE_CREATE));
    }

    @Test
    void openingAUnitForWriteCountsButReadingDoesNot() throws Exception {
        SecurityEvent write = single(parser.parse(json(alert("Write below etc", ",\"evt.type\":\"openat\","
                + "\"fd.name\":\"/lib/systemd/system/backdoor.service\",\"evt.arg.flags\":\"O_WRONLY|O_CREAT|O_TRUNC\","
                + "\"proc.exepath\":\"/usr/bin/vi\""))), EventKind.SERVICE_CREATE);
        assertEquals("/lib/systemd/system/backdoor.service", write.target);

        SecurityEvent viaFlag = single(parser.parse(json(alert("Write", ",\"evt.type\":\"open\","
                + "\"fd.name\":\"/etc/systemd/system/a.service\",\"evt.is_open_write\":\"true\""))),
                EventKind.SERVICE_CREATE);
        assertEquals("/etc/systemd/system/a.service", viaFlag.target);

        List<SecurityEvent> read = parser.parse(json(alert("Read sensitive", ",\"evt.type\":\"openat\","
                + "\"fd.name\":\"/etc/systemd/system/x.service\",\"evt.arg.flags\":\"O_RDONLY\","
                + "\"evt.is_open_write\":false,\"proc.exepath\":\"/usr/bin/cat\"")));
        assertEquals(EventKind.OBSERVATION, single(read, EventKind.OBSERVATION).kind);
    }

    @Test
    void systemctlEnableCountsAndStatusDoesNot() throws Exception {
        SecurityEvent enable = single(parser.parse(json(alert("Spawned", ",\"evt.type\":\"execve\","
                + "\"proc.exepath\":\"/usr/bin/systemctl\",\"proc.cmdline\":\"systemctl enable --now miner.service\""))),
                EventKind.SERVICE_CREATE);
        assertEquals("systemctl enable", enable.action);
        assertEquals("miner.service", enable.target);

        List<SecurityEvent> status = parser.parse(json(alert("Spawned", ",\"evt.type\":\"execve\","
                + "\"proc.exepath\":\"/usr/bin/systemctl\",\"proc.cmdline\":\"systemctl status miner.service\"")));
        assertTrue(status.stream().noneMatch(ev -> ev.kind == EventKind.SERVICE_CREATE));
    }

    @Test
    void outboundConnectIsNetworkConnect() throws Exception {
        SecurityEvent e = single(parser.parse(json(alert("Unexpected outbound connection destination",
                ",\"evt.type\":\"connect\",\"fd.sip\":\"185.199.110.153\",\"fd.sport\":\"4444\",\"fd.rip\":\"185.199.110.153\","
                        + "\"fd.rport\":4444,\"fd.l4proto\":\"tcp\",\"proc.exepath\":\"/usr/bin/nc\""))),
                EventKind.NETWORK_CONNECT);
        assertEquals(new NetworkPeer("185.199.110.153", 4444, "TCP"), e.peer);
    }

    @Test
    void auditSourceAlerts() throws Exception {
        String exec = """
            {"output":"Attach/Exec to pod","priority":"Notice","rule":"Attach/Exec Pod","source":"k8s_audit",
             "time":"2025-03-04T10:05:00.000000000Z",
             "output_fields":{"ka.user.name":"dev-alice","ka.target.namespace":"payments","ka.target.name":"api-0",
               "ka.target.resource":"pods","ka.target.subresource":"exec","ka.verb":"get",
               "ka.uri.param[command]":"bash"}}
            """;
        SecurityEvent e = single(parser.parse(json(exec)), EventKind.CONTAINER_EXEC);
        assertEquals("payments", e.namespace);
        assertEquals("api-0", e.pod);
        assertEquals("dev-alice", e.principal);
        assertEquals("bash", e.process.binary);
        assertEquals("unknown", e.outcome);
        String denied = exec.replace("\"ka.verb\":\"get\"", "\"ka.verb\":\"get\",\"ka.response.code\":\"403\"");
        assertEquals("failure", single(parser.parse(json(denied)), EventKind.CONTAINER_EXEC).outcome);
        String allowed = exec.replace("\"ka.verb\":\"get\"", "\"ka.verb\":\"get\",\"ka.response.code\":\"101\"");
        assertEquals("success", single(parser.parse(json(allowed)), EventKind.CONTAINER_EXEC).outcome);

        String secrets = exec.replace("\"pods\"", "\"secrets\"").replace("\"exec\"", "null")
                .replace("\"api-0\"", "\"db-creds\"").replace("k8s_audit", "k8saudit");
        SecurityEvent s = single(parser.parse(json(secrets)), EventKind.CREDENTIAL_ACCESS);
        assertEquals("db-creds", s.target);

        String create = """
            {"output":"Privileged pod","priority":"Warning","rule":"Create Privileged Pod","source":"k8s_audit",
             "time":"2025-03-04T10:06:00Z","output_fields":{"ka.user.name":"mallory","ka.verb":"create",
               "ka.target.resource":"pods","ka.target.namespace":"default","ka.target.name":"root-pod",
               "ka.req.pod.containers.image":["alpine","busybox"],"ka.req.pod.containers.privileged":[false,true]}}
            """;
        SecurityEvent d = single(parser.parse(json(create)), EventKind.WORKLOAD_DEPLOY);
        assertTrue(d.privileged);
        assertArrayEquals(new String[] {"alpine", "busybox"}, d.images);
        assertEquals("root-pod", d.pod);
    }

    @Test
    void timeFromTheRfc3339FieldAndMissingTime() throws Exception {
        String noEvtTime = """
            {"output":"x","priority":"Warning","rule":"r","time":"2025-03-04T10:00:00.987654321Z",
             "output_fields":{"container.id":"3f7a9c1b2d4e","k8s.pod.name":"p","k8s.ns.name":"n","evt.time":"10:00:00"}}
            """;
        assertEquals(java.time.Instant.parse("2025-03-04T10:00:00.987Z").toEpochMilli(),
                parser.parse(json(noEvtTime)).get(0).eventTime);

        String noTime = "{\"output\":\"x\",\"priority\":\"Warning\",\"rule\":\"r\",\"output_fields\":{}}";
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> parser.parse(json(noTime)));
        assertEquals("missing-event-time", e.reason());
    }

    @Test
    void acceptsFalcoShapesOnly() {
        assertTrue(parser.accepts(json("{\"rule\":\"r\",\"output\":\"o\",\"priority\":\"Debug\"}")));
        assertTrue(parser.accepts(json("{\"rule\":\"r\",\"output\":\"o\",\"output_fields\":{}}")));
        assertFalse(parser.accepts(json("{\"rule\":\"r\",\"output\":\"o\"}")));
        assertFalse(parser.accepts(json("{\"rule\":1,\"output\":\"o\",\"priority\":\"Debug\"}")));
    }

    @Test
    void oddFieldValuesDoNotBreakParsing() throws Exception {
        String odd = alert("Odd", ",\"proc.aname[3]\":null,\"fd.name\":[\"/a\",\"/b\"],\"proc.pid\":\"not-a-number\","
                + "\"evt.type\":\"<NA>\",\"proc.cmdline\":null");
        SecurityEvent e = single(parser.parse(json(odd)), EventKind.OBSERVATION);
        assertNull(e.process); // no binary nor arguments known
    }
}
