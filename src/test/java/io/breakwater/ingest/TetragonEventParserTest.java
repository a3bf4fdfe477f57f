package io.breakwater.ingest;

import static io.breakwater.ingest.EventAssertions.assertNowhere;
import static io.breakwater.ingest.EventAssertions.json;
import static io.breakwater.ingest.EventAssertions.single;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.breakwater.event.EventKind;
import io.breakwater.event.NetworkPeer;
import io.breakwater.event.SecurityEvent;
import io.breakwater.event.TelemetrySource;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TetragonEventParserTest {
    private static final String FULL_ID = "9d2c4b6a8e0f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c";
    private final TetragonEventParser parser = new TetragonEventParser();

    private static String process(String binary, String arguments, int containerPid) {
        return """
            {"exec_id":"d29ya2VyLTE6MTIzNDU2Nzg5OjQ0MTI=","pid":4412,"uid":0,"binary":"%s","arguments":"%s",
             "start_time":"2025-03-04T11:00:00.111222333Z",
             "pod":{"namespace":"shop","name":"cart-5f8d7-qw2er","workload":"cart","workload_kind":"Deployment",
                    "container":{"id":"containerd://%s","name":"web","image":{"name":"docker.io/library/nginx:1.25"},
                                 "pid":%d}},
             "docker":"%s","parent_exec_id":"d29ya2VyLTE6MTExOjQ0MDA="}
            """.formatted(binary, arguments, FULL_ID, containerPid, FULL_ID.substring(0, 31));
    }

    private static String exec(String process, String parentBinary, String time) {
        return "{\"process_exec\":{\"process\":" + process + ",\"parent\":{\"binary\":\"" + parentBinary
                + "\",\"pid\":4400}},\"node_name\":\"worker-1\"" + (time == null ? "" : ",\"time\":\"" + time + "\"")
                + "}";
    }

    @Test
    void dockerPrefixAndFullIdNormaliseToTheSameContainer() throws Exception {
        SecurityEvent withPod = parser.parse(json(exec(process("/usr/bin/id", "", 7), "/bin/sh",
                "2025-03-04T11:00:01Z"))).get(0);
        assertEquals(FULL_ID, withPod.containerId);

        String hostOnlyDocker = """
            {"process_exit":{"process":{"exec_id":"eA==","binary":"/usr/bin/id","docker":"%s"}},
             "node_name":"worker-1","time":"2025-03-04T11:00:02Z"}
            """.formatted(FULL_ID.substring(0, 31).toUpperCase());
        SecurityEvent noPod = parser.parse(json(hostOnlyDocker)).get(0);
        assertEquals(31, noPod.containerId.length());
        assertEquals(ContainerIds.prefix12(withPod.containerId), ContainerIds.prefix12(noPod.containerId));
        assertTrue(ContainerIds.sameContainer(withPod.containerId, noPod.containerId));
        assertNull(noPod.pod);
    }

    @Test
    void prettyPrintedExecOfAnOrdinaryBinaryIsAnIdentityFact() throws Exception {
        String pretty = """
            {
               "process_exec": {
                  "process": %s,
                  "parent": { "binary": "/bin/sh", "pod": { "name": "cart-5f8d7-qw2er" } }
               },
               "node_name": "worker-1",
               "time": "2025-03-04T11:00:03.5Z"
            }
            """.formatted(process("/usr/bin/curl", "-s \\\"http://example.test/a b\\\" -o /tmp/x", 9));
        ParseOutcome out = new TelemetryNormalizer().normalise(pretty, "test");
        assertEquals("tetragon", out.format);
        SecurityEvent e = single(out.events, EventKind.OBSERVATION);
        assertEquals(TelemetrySource.TETRAGON, e.source);
        assertArrayEquals(new String[] {"-s", "http://example.test/a b", "-o", "/tmp/x"}, e.process.arguments);
        assertEquals("/bin/sh", e.process.parentBinary);
        assertEquals("shop", e.namespace);
        assertEquals("web", e.container);
        assertEquals("docker.io/library/nginx:1.25", e.image);
        assertEquals("Deployment", e.workloadKind);
        assertEquals("cart", e.workloadName);
        assertEquals("worker-1", e.node);
        assertEquals(4412, e.process.pid);
        assertEquals(0, e.process.uid);
        assertEquals("tetragon:process_exec:d29ya2VyLTE6MTIzNDU2Nzg5OjQ0MTI=@2025-03-04T11:00:03.5Z", e.rawRef);
    }

    @Test
    void execWithoutTimeUsesTheProcessStartTime() throws Exception {
        SecurityEvent e = parser.parse(json(exec(process("/usr/bin/id", "", 7), "/bin/sh", null))).get(0);
        assertEquals(Instant.parse("2025-03-04T11:00:00.111Z").toEpochMilli(), e.eventTime);
        assertTrue(e.rawRef.endsWith("@2025-03-04T11:00:00.111222333Z"));

        String exitWithoutTime = "{\"process_exit\":{\"process\":" + process("/usr/bin/id", "", 7) + "}}";
        MalformedRecordException m = assertThrows(MalformedRecordException.class,
                () -> parser.parse(json(exitWithoutTime)));
        assertEquals("missing-event-time", m.reason());
    }

    @Test
    void shellFromTheRuntimeIsAnExecButTheEntrypointIsNot() throws Exception {
        SecurityEvent exec = single(parser.parse(json(exec(process("/bin/bash", "", 31), "/usr/bin/runc",
                "2025-03-04T11:00:04Z"))), EventKind.CONTAINER_EXEC);
        assertEquals("cart-5f8d7-qw2er", exec.pod);

        single(parser.parse(json(exec(process("/bin/sh", "/entrypoint.sh", 1), "/usr/bin/containerd-shim-runc-v2",
                "2025-03-04T11:00:04Z"))), EventKind.OBSERVATION);

        String hostParent = "{\"process_exec\":{\"process\":" + process("/bin/sh", "", 40)
                + ",\"parent\":{\"binary\":\"/usr/bin/nsenter\"}},\"time\":\"2025-03-04T11:00:05Z\"}";
        single(parser.parse(json(hostParent)), EventKind.CONTAINER_EXEC);
    }

    @Test
    void systemctlEnableIsServiceCreation() throws Exception {
        SecurityEvent e = single(parser.parse(json(exec(process("/usr/bin/systemctl", "--now enable kworkerd", 50),
                "/bin/sh", "2025-03-04T11:00:06Z"))), EventKind.SERVICE_CREATE);
        assertEquals("kworkerd", e.target);
        assertEquals("systemctl enable", e.action);
    }

    private static String kprobe(String function, String args) {
        return "{\"process_kprobe\":{\"process\":" + process("/usr/bin/tee", "", 60) + ",\"function_name\":\""
                + function + "\",\"policy_name\":\"file-watch\",\"args\":" + args
                + "},\"node_name\":\"worker-1\",\"time\":\"2025-03-04T11:00:07Z\"}";
    }

    @Test
    void unitWritesAndRenamesFromKprobes() throws Exception {
        SecurityEvent write = single(parser.parse(json(kprobe("security_file_permission",
                "[{\"file_arg\":{\"path\":\"etc/systemd/system/kworkerd.service\"}},{\"int_arg\":2}]"))),
                EventKind.SERVICE_CREATE);
        assertEquals("/etc/systemd/system/kworkerd.service", write.target);
        assertEquals("file-watch", write.sensorRule);

        single(parser.parse(json(kprobe("security_file_permission",
                "[{\"file_arg\":{\"path\":\"etc/systemd/system/kworkerd.service\"}},{\"int_arg\":4}]"))),
                EventKind.OBSERVATION);

        single(parser.parse(json(kprobe("security_file_open",
                "[{\"file_arg\":{\"path\":\"/etc/init.d/kworkerd\",\"flags\":\"O_WRONLY|O_CREAT\"}}]"))),
                EventKind.SERVICE_CREATE);

        SecurityEvent rename = single(parser.parse(json(kprobe("security_path_rename",
                "[{\"path_arg\":{\"path\":\"/tmp/.u\"}},{\"path_arg\":{\"path\":\"/etc/systemd/system/u.service\"}}]"))),
                EventKind.SERVICE_CREATE);
        assertEquals("/etc/systemd/system/u.service", rename.target);

        single(parser.parse(json(kprobe("security_path_rename",
                "[{\"path_arg\":{\"path\":\"/etc/systemd/system/u.service\"}},{\"path_arg\":{\"path\":\"/tmp/u\"}}]"))),
                EventKind.OBSERVATION);
    }

    @Test
    void writeKprobeBytesNeverReachTheEvent() throws Exception {
        String payload = "W1NlcnZpY2VdCkV4ZWNTdGFydD0vdG1wL21pbmVy";
        List<SecurityEvent> events = parser.parse(json(kprobe("__x64_sys_write",
                "[{\"file_arg\":{\"path\":\"/etc/systemd/system/m.service\"}},{\"bytes_arg\":\"" + payload
                        + "\"},{\"size_arg\":\"30\"}]")));
        single(events, EventKind.SERVICE_CREATE);
        assertNowhere(payload, events);
    }

    @Test
    void connectEventsAndConnectKprobesAreNetworkConnects() throws Exception {
        String connect = "{\"process_connect\":{\"process\":" + process("/usr/bin/nc", "c2.example 443", 70)
                + ",\"source_ip\":\"10.244.1.9\",\"source_port\":51000,\"destination_ip\":\"192.0.2.44\","
                + "\"destination_port\":443,\"protocol\":\"TCP\"},\"time\":\"2025-03-04T11:00:08Z\"}";
        SecurityEvent c = single(parser.parse(json(connect)), EventKind.NETWORK_CONNECT);
        assertEquals(new NetworkPeer("192.0.2.44", 443, "TCP"), c.peer);
        assertEquals(FULL_ID, c.containerId);

        SecurityEvent k = single(parser.parse(json(kprobe("tcp_connect",
                "[{\"sock_arg\":{\"family\":\"AF_INET\",\"protocol\":\"IPPROTO_TCP\",\"saddr\":\"10.244.1.9\","
                        + "\"daddr\":\"192.0.2.45\",\"sport\":51001,\"dport\":8443}}]"))), EventKind.NETWORK_CONNECT);
        assertEquals(new NetworkPeer("192.0.2.45", 8443, "TCP"), k.peer);
    }

    @Test
    void otherTypesAndHostProcesses() throws Exception {
        assertEquals(List.of(), parser.parse(json("{\"process_loader\":{\"process\":{\"binary\":\"/x\"}},"
                + "\"time\":\"2025-03-04T11:00:09Z\"}")));
        String host = "{\"process_exit\":{\"process\":{\"exec_id\":\"aG9zdA==\",\"binary\":\"/usr/sbin/cron\"}},"
                + "\"node_name\":\"worker-1\",\"time\":\"2025-03-04T11:00:10.123456789Z\"}";
        SecurityEvent e = single(parser.parse(json(host)), EventKind.OBSERVATION);
        assertNull(e.containerId);
        assertNull(e.pod);
        assertEquals(Instant.parse("2025-03-04T11:00:10.123Z").toEpochMilli(), e.eventTime);
        assertTrue(parser.accepts(json(host)));
        assertTrue(!parser.accepts(json("{\"flow\":{\"verdict\":\"FORWARDED\"},\"node_name\":\"n\"}")));
    }
}
