package io.breakwater.ingest;

import static io.breakwater.ingest.EventAssertions.assertNowhere;
import static io.breakwater.ingest.EventAssertions.json;
import static io.breakwater.ingest.EventAssertions.single;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;
import io.breakwater.event.TelemetrySource;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditEventParserTest {
    private final AuditEventParser parser = new AuditEventParser(EventAssertions.MAPPER);

    private static String exec(String verb, String uri) {
        return """
            {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"7f1c2a9e-0001",
             "stage":"ResponseStarted","requestURI":"%s","verb":"%s",
             "user":{"username":"dev-alice","groups":["system:authenticated"]},"sourceIPs":["10.20.30.40","10.0.0.1"],
             "objectRef":{"resource":"pods","namespace":"payments","name":"checkout-6d9f7c-x2l9q","apiVersion":"v1",
                          "subresource":"exec"},
             "responseStatus":{"metadata":{},"code":101},
             "requestReceivedTimestamp":"2025-03-04T10:15:30.123456Z","stageTimestamp":"2025-03-04T10:15:30.456789Z"}
            """.formatted(uri, verb);
    }

    @Test
    void execOverWebSocketWithVerbGetDecodesEveryCommandParameterInOrder() throws Exception {
        String uri = "/api/v1/namespaces/payments/pods/checkout-6d9f7c-x2l9q/exec?command=%2Fbin%2Fsh&command=-c"
                + "&command=echo+hi&container=app&stdin=true&stdout=true&tty=true";
        SecurityEvent e = single(parser.parse(json(exec("get", uri))), EventKind.CONTAINER_EXEC);
        assertEquals(TelemetrySource.K8S_AUDIT, e.source);
        assertEquals("pods/exec", e.action);
        assertEquals("payments", e.namespace);
        assertEquals("checkout-6d9f7c-x2l9q", e.pod);
        assertEquals("app", e.container);
        assertEquals("/bin/sh", e.process.binary);
        assertArrayEquals(new String[] {"-c", "echo hi"}, e.process.arguments);
        assertEquals("/bin/sh -c echo hi", e.target);
        assertEquals("success", e.outcome);
        assertEquals("dev-alice", e.principal);
        assertEquals("10.20.30.40", e.sourceIp);
        assertEquals("k8s_audit:7f1c2a9e-0001", e.rawRef);
        assertEquals(Instant.parse("2025-03-04T10:15:30.123Z").toEpochMilli(), e.eventTime);
        assertNull(e.cluster);
    }

    @Test
    void execWithVerbCreateAndAttach() throws Exception {
        String uri = "/api/v1/namespaces/payments/pods/checkout-6d9f7c-x2l9q/exec?command=id&container=app";
        SecurityEvent e = single(parser.parse(json(exec("create", uri))), EventKind.CONTAINER_EXEC);
        assertEquals("id", e.process.binary);
        assertArrayEquals(new String[0], e.process.arguments);

        String attach = exec("create", "/api/v1/namespaces/payments/pods/checkout-6d9f7c-x2l9q/attach?stdin=true")
                .replace("\"subresource\":\"exec\"", "\"subresource\":\"attach\"");
        SecurityEvent a = single(parser.parse(json(attach)), EventKind.CONTAINER_EXEC);
        assertEquals("pods/attach", a.action);
        assertNull(a.process);
    }

    @Test
    void execWithoutQueryStringIsStillAnExec() throws Exception {
        SecurityEvent e = single(parser.parse(json(exec("get",
                "/api/v1/namespaces/payments/pods/checkout-6d9f7c-x2l9q/exec"))), EventKind.CONTAINER_EXEC);
        assertNull(e.process);
        assertNull(e.target);
        assertEquals("checkout-6d9f7c-x2l9q", e.pod);
    }

    @Test
    void execCommandFromRequestObjectAndTokensInArgvAreRedacted() throws Exception {
        String record = """
            {"kind":"Event","verb":"create","auditID":"a-2","requestReceivedTimestamp":"2025-03-04T10:15:30Z",
             "user":{"username":"ops"},"objectRef":{"resource":"pods","subresource":"exec","namespace":"web",
             "name":"api-0"},"responseStatus":{"code":101},
             "requestObject":{"command":["curl","-H","Authorization: Bearer s3cr3tT0kenValue","--password","hunter22"],
                              "container":"api"}}
            """;
        List<SecurityEvent> events = parser.parse(json(record));
        SecurityEvent e = single(events, EventKind.CONTAINER_EXEC);
        assertEquals("curl", e.process.binary);
        assertEquals("api", e.container);
        assertNowhere("s3cr3tT0kenValue", events);
        assertNowhere("hunter22", events);
    }

    @Test
    void privilegedOnlyInTheSecondContainerOfAControllerCreatedPod() throws Exception {
        String record = """
            {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"b-1",
             "stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/pods","verb":"create",
             "user":{"username":"system:serviceaccount:kube-system:replicaset-controller"},
             "objectRef":{"resource":"pods","namespace":"shop","apiVersion":"v1"},
             "responseStatus":{"code":201},
             "requestObject":{"kind":"Pod","metadata":{"generateName":"cart-5f8d7-",
                "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"LAST-APPLIED-MARKER"},
                "ownerReferences":[{"kind":"ReplicaSet","name":"cart-5f8d7","controller":true}]},
               "spec":{"initContainers":[{"name":"init","image":"busybox:1.36"}],
                       "containers":[{"name":"web","image":"nginx:1.25","securityContext":{"privileged":false},
                                      "env":[{"name":"DB_PASSWORD","value":"ENV-VALUE-MARKER"}]},
                                     {"name":"sidecar","image":"evil/miner:2","securityContext":{"privileged":true}}],
                       "volumes":[{"name":"host","hostPath":{"path":"/"}}],"hostPID":true}},
             "responseObject":{"kind":"Pod","metadata":{"name":"cart-5f8d7-qw2er","namespace":"shop"},
               "spec":{"containers":[]},"status":{"phase":"Pending"}},
             "stageTimestamp":"2025-03-04T10:16:00.000001Z"}
            """;
        List<SecurityEvent> events = parser.parse(json(record));
        SecurityEvent e = single(events, EventKind.WORKLOAD_DEPLOY);
        assertTrue(e.privileged);
        assertTrue(e.hostPid);
        assertTrue(e.hostPath);
        assertFalse(e.hostNetwork);
        assertEquals("Pod", e.workloadKind);
        assertEquals("cart-5f8d7-qw2er", e.workloadName);
        assertEquals("cart-5f8d7-qw2er", e.pod);
        assertEquals("ReplicaSet/cart-5f8d7", e.target);
        assertArrayEquals(new String[] {"busybox:1.36", "nginx:1.25", "evil/miner:2"}, e.images);
        assertEquals("nginx:1.25", e.image);
        assertNowhere("ENV-VALUE-MARKER", events);
        assertNowhere("LAST-APPLIED-MARKER", events);
    }

    @Test
    void podWithGenerateNameAndNoResponseKeepsTheStem() throws Exception {
        String record = """
            {"kind":"Event","verb":"create","auditID":"b-2","stageTimestamp":"2025-03-04T10:16:00Z",
             "objectRef":{"resource":"pods","namespace":"shop"},"responseStatus":{"code":201},
             "requestObject":{"kind":"Pod","metadata":{"generateName":"cart-5f8d7-"},"spec":{"containers":[]}}}
            """;
        SecurityEvent e = single(parser.parse(json(record)), EventKind.WORKLOAD_DEPLOY);
        assertEquals("cart-5f8d7", e.workloadName);
        assertNull(e.pod);
    }

    @Test
    void deploymentWithPrivilegedTemplate() throws Exception {
        String record = """
            {"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","verb":"create","auditID":"c-1",
             "stageTimestamp":"2025-03-04T10:17:00Z","user":{"username":"mallory"},
             "objectRef":{"resource":"deployments","namespace":"default","name":"node-debugger","apiGroup":"apps"},
             "responseStatus":{"code":201},
             "requestObject":{"kind":"Deployment","metadata":{"name":"node-debugger"},
               "spec":{"template":{"spec":{"hostNetwork":true,
                 "containers":[{"name":"dbg","image":"alpine:3.19","securityContext":{"privileged":true}}]}}}}}
            """;
        SecurityEvent e = single(parser.parse(json(record)), EventKind.WORKLOAD_DEPLOY);
        assertEquals("Deployment", e.workloadKind);
        assertEquals("node-debugger", e.workloadName);
        assertTrue(e.privileged);
        assertTrue(e.hostNetwork);
        assertNull(e.pod);
        assertEquals("deployments.create", e.action);
    }

    @Test
    void aServerSideDryRunCreateIsNotADeploy() throws Exception {
        String record = """
            {"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","auditID":"c-dry",
             "requestURI":"/apis/apps/v1/namespaces/default/deployments?dryRun=All&fieldManager=kubectl-client-side-apply",
             "stageTimestamp":"2025-03-04T10:17:00Z","user":{"username":"argocd"},
             "objectRef":{"resource":"deployments","namespace":"default","name":"web","apiGroup":"apps"},
             "responseStatus":{"code":201},
             "requestObject":{"kind":"Deployment","metadata":{"name":"web"},
               "spec":{"template":{"spec":{"containers":[{"name":"w","image":"nginx"}]}}}}}
            """;
        assertTrue(parser.parse(json(record)).isEmpty());
        assertEquals(1, parser.parse(json(record.replace("dryRun=All&", ""))).size(), "the same create for real");
    }

    @Test
    void cronJobSpecIsReadFromTheJobTemplate() throws Exception {
        String record = """
            {"kind":"Event","verb":"create","auditID":"c-2","stageTimestamp":"2025-03-04T10:17:00Z",
             "objectRef":{"resource":"cronjobs","namespace":"default","name":"nightly"},"responseStatus":{"code":201},
             "requestObject":{"kind":"CronJob","spec":{"jobTemplate":{"spec":{"template":{"spec":{
               "containers":[{"name":"c","image":"backup:7","securityContext":{"privileged":true}}]}}}}}}}
            """;
        SecurityEvent e = single(parser.parse(json(record)), EventKind.WORKLOAD_DEPLOY);
        assertEquals("CronJob", e.workloadKind);
        assertTrue(e.privileged);
        assertEquals("backup:7", e.image);
    }

    @Test
    void secretReadAtRequestResponseNeverCarriesTheSecret() throws Exception {
        String record = """
            {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"d-1",
             "stage":"ResponseComplete","requestURI":"/api/v1/namespaces/payments/secrets/stripe-api","verb":"get",
             "user":{"username":"intruder"},"sourceIPs":["198.51.100.7"],
             "objectRef":{"resource":"secrets","namespace":"payments","name":"stripe-api","apiVersion":"v1"},
             "responseStatus":{"code":200},
             "responseObject":{"kind":"Secret","metadata":{"name":"stripe-api","namespace":"payments"},
               "data":{"api-key":"c2stbGl2ZS1TRUNSRVQtVkFMVUU="},"type":"Opaque"},
             "stageTimestamp":"2025-03-04T10:18:00.5Z"}
            """;
        List<SecurityEvent> events = parser.parse(json(record));
        SecurityEvent e = single(events, EventKind.CREDENTIAL_ACCESS);
        assertEquals("secret", e.credentialType);
        assertEquals("stripe-api", e.target);
        assertEquals("secrets.get", e.action);
        assertEquals(1, events.size());
        assertNowhere("c2stbGl2ZS1TRUNSRVQtVkFMVUU=", events);
        assertNowhere("api-key", events);
    }

    @Test
    void secretListWithoutNameTargetsEverySecret() throws Exception {
        String record = """
            {"kind":"Event","verb":"list","auditID":"d-2","stageTimestamp":"2025-03-04T10:18:00Z",
             "objectRef":{"resource":"secrets"},"responseStatus":{"code":403},
             "user":{"username":"system:admin"},"impersonatedUser":{"username":"bob"}}
            """;
        SecurityEvent e = single(parser.parse(json(record)), EventKind.CREDENTIAL_ACCESS);
        assertEquals("*", e.target);
        assertEquals("failure", e.outcome);
        assertEquals("bob", e.principal);
    }

    @Test
    void threeStagesOfOneRequest() throws Exception {
        String base = exec("create", "/api/v1/namespaces/payments/pods/checkout-6d9f7c-x2l9q/exec?command=sh");
        assertEquals(List.of(), parser.parse(json(base.replace("ResponseStarted", "RequestReceived"))));
        SecurityEvent started = single(parser.parse(json(base)), EventKind.CONTAINER_EXEC);
        SecurityEvent complete = single(parser.parse(json(base.replace("ResponseStarted", "ResponseComplete"))),
                EventKind.CONTAINER_EXEC);
        assertEquals(started.rawRef, complete.rawRef); // the job dedupes by auditID
    }

    @Test
    void requestWithAPodBoundTokenIsCredentialAccessThenItsOwnKind() throws Exception {
        String record = """
            {"kind":"Event","verb":"create","auditID":"e-1","stageTimestamp":"2025-03-04T10:19:00Z",
             "user":{"username":"system:serviceaccount:web:frontend",
                     "extra":{"authentication.kubernetes.io/pod-name":["frontend-7c9d-abcde"],
                              "authentication.kubernetes.io/pod-uid":["1f2e3d4c"]}},
             "sourceIPs":["10.244.1.17"],
             "objectRef":{"resource":"pods","namespace":"web","name":"backdoor"},"responseStatus":{"code":201},
             "requestObject":{"kind":"Pod","spec":{"containers":[{"name":"x","image":"alpine"}]}}}
            """;
        List<SecurityEvent> events = parser.parse(json(record));
        assertEquals(2, events.size());
        assertEquals(EventKind.CREDENTIAL_ACCESS, events.get(0).kind);
        assertEquals("pod-service-account-token", events.get(0).credentialType);
        assertEquals("frontend-7c9d-abcde", events.get(0).credentialPod);
        assertEquals(EventKind.WORKLOAD_DEPLOY, events.get(1).kind);
        assertEquals("frontend-7c9d-abcde", events.get(1).credentialPod);
        assertEquals(events.get(0).eventTime, events.get(1).eventTime);
        assertEquals(events.get(0).rawRef, events.get(1).rawRef);
    }

    @Test
    void tokenRequestIsCredentialAccess() throws Exception {
        String record = """
            {"kind":"Event","verb":"create","auditID":"f-1","stageTimestamp":"2025-03-04T10:20:00Z",
             "objectRef":{"resource":"serviceaccounts","subresource":"token","namespace":"ci","name":"deployer"},
             "responseStatus":{"code":201},"user":{"username":"eve"}}
            """;
        SecurityEvent e = single(parser.parse(json(record)), EventKind.CREDENTIAL_ACCESS);
        assertEquals("service-account-token-request", e.credentialType);
        assertEquals("deployer", e.target);
    }

    @Test
    void podStatusUpdateGivesOneIdentityFactPerContainer() throws Exception {
        String record = """
            {"kind":"Event","verb":"patch","auditID":"g-1","stageTimestamp":"2025-03-04T10:21:00Z",
             "user":{"username":"system:node:worker-2"},
             "objectRef":{"resource":"pods","subresource":"status","namespace":"shop","name":"cart-5f8d7-qw2er"},
             "responseStatus":{"code":200},
             "responseObject":{"kind":"Pod","metadata":{"name":"cart-5f8d7-qw2er","namespace":"shop"},
               "spec":{"nodeName":"worker-2"},
               "status":{"containerStatuses":[
                 {"name":"web","image":"nginx:1.25",
                  "containerID":"containerd://4F3E2D1C0B0A99887766554433221100FFEEDDCCBBAA00998877665544332211"},
                 {"name":"sidecar","image":"evil/miner:2","containerID":""}]}}}
            """;
        List<SecurityEvent> events = parser.parse(json(record));
        SecurityEvent fact = single(events, EventKind.OBSERVATION);
        assertEquals(1, events.size());
        assertEquals("pod-status", fact.action);
        assertEquals("4f3e2d1c0b0a99887766554433221100ffeeddccbbaa00998877665544332211", fact.containerId);
        assertEquals("web", fact.container);
        assertEquals("nginx:1.25", fact.image);
        assertEquals("worker-2", fact.node);
        assertEquals("cart-5f8d7-qw2er", fact.pod);
        assertEquals("shop", fact.namespace);
    }

    @Test
    void aksEnvelopeWithTheEventAsAJsonString() throws Exception {
        String record = """
            {"category":"kube-audit","properties":{"log":"{\\"kind\\":\\"Event\\",\\"verb\\":\\"get\\",\\"auditID\\":\\"h-1\\",\\"stageTimestamp\\":\\"2025-03-04T10:22:00Z\\",\\"objectRef\\":{\\"resource\\":\\"pods\\",\\"subresource\\":\\"exec\\",\\"namespace\\":\\"ops\\",\\"name\\":\\"tools-0\\"},\\"responseStatus\\":{\\"code\\":101}}"}}
            """;
        assertTrue(parser.accepts(json(record)));
        SecurityEvent e = single(parser.parse(json(record)), EventKind.CONTAINER_EXEC);
        assertEquals("tools-0", e.pod);
        assertEquals("k8s_audit:h-1", e.rawRef);
    }

    @Test
    void gkeExecMapsOntoTheSameLogic() throws Exception {
        String record = """
            {"insertId":"gke-ins-42","timestamp":"2025-03-04T10:23:00.123456789Z",
             "protoPayload":{"methodName":"io.k8s.core.v1.pods.exec.create",
               "authenticationInfo":{"principalEmail":"carol@corp.example"},
               "resourceName":"core/v1/namespaces/data/pods/etl-0/exec",
               "requestMetadata":{"callerIP":"203.0.113.9"},
               "request":{"command":["bash","-i"],"container":"etl"},"status":{}}}
            """;
        SecurityEvent e = single(parser.parse(json(record)), EventKind.CONTAINER_EXEC);
        assertEquals("data", e.namespace);
        assertEquals("etl-0", e.pod);
        assertEquals("etl", e.container);
        assertEquals("bash", e.process.binary);
        assertEquals("carol@corp.example", e.principal);
        assertEquals("203.0.113.9", e.sourceIp);
        assertEquals("k8s_audit:gke-ins-42", e.rawRef);
        assertEquals("success", e.outcome);
        assertEquals(Instant.parse("2025-03-04T10:23:00.123Z").toEpochMilli(), e.eventTime);
    }

    @Test
    void gkeClusterWideSecretListWithoutInsertIdGetsAHashRef() throws Exception {
        String record = """
            {"receiveTimestamp":"2025-03-04T10:24:00Z","protoPayload":{"methodName":"io.k8s.core.v1.secrets.list",
             "resourceName":"core/v1/secrets","authorizationInfo":[{"granted":false}]}}
            """;
        SecurityEvent e = single(parser.parse(json(record)), EventKind.CREDENTIAL_ACCESS);
        assertEquals("*", e.target);
        assertEquals("failure", e.outcome);
        assertTrue(e.rawRef.matches("k8s_audit:[0-9a-f]{16}"));
        assertEquals(e.rawRef, single(parser.parse(json(record)), EventKind.CREDENTIAL_ACCESS).rawRef);
    }

    @Test
    void missingTimeIsRejectedUnlessAFallbackIsGiven() throws Exception {
        String record = """
            {"kind":"Event","verb":"get","objectRef":{"resource":"pods","subresource":"exec","name":"p"}}
            """;
        MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> parser.parse(json(record)));
        assertEquals("missing-event-time", e.reason());
        SecurityEvent exec = single(parser.parse(json(record), 42L), EventKind.CONTAINER_EXEC);
        assertEquals(42L, exec.eventTime);
    }

    @Test
    void acceptsOnlyAuditShapes() {
        assertFalse(parser.accepts(json("{\"kind\":0}")));
        assertFalse(parser.accepts(json("""
            {"kind":"Event","apiVersion":"v1","reason":"Pulled","involvedObject":{"kind":"Pod","name":"x"}}""")));
        assertTrue(parser.accepts(json("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"}")));
        assertFalse(parser.accepts(json("{\"rule\":\"x\",\"output\":\"y\",\"priority\":\"Warning\"}")));
    }

    @Test
    void uninterestingRequestsGiveNothing() throws Exception {
        String record = """
            {"kind":"Event","verb":"delete","auditID":"i-1","stageTimestamp":"2025-03-04T10:25:00Z",
             "objectRef":{"resource":"secrets","namespace":"a","name":"b"},"responseStatus":{"code":200}}
            """;
        assertEquals(List.of(), parser.parse(json(record)));
    }
}
