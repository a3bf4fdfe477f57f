package io.breakwater.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;
import io.breakwater.event.TelemetrySource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WorkloadNamesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // Deployment pods: <deployment>-<pod-template-hash>-<suffix>
        "nginx-deployment-7998647bdf-phvq7, nginx-deployment",
        "api-6b7f9d8c54-x2v9r, api",
        // DaemonSet / Job / ReplicaSet pods: <owner>-<suffix>
        "fluentd-x7k2p, fluentd",
        // CronJob pods: <cronjob>-<scheduled minute>-<suffix>
        "backup-28934560-bq2zx, backup",
        // StatefulSet pods: <statefulset>-<ordinal>
        "db-0, db",
        "redis-cluster-12, redis-cluster",
        // bare pods keep their name
        "web, web",
        "my-app, my-app",
        // five letters with a vowel are a word, not a generated suffix
        "api-store, api-store",
        // a ten-char word with vowels is not a pod-template hash
        "web-frontend-x2v9r, web-frontend",
    })
    void workloadOfWalksThePodNameBackToItsOwner(String pod, String workload) {
        assertEquals(workload, WorkloadNames.workloadOf(pod));
    }

    @Test
    void workloadOfNullOrEmptyIsNull() {
        assertNull(WorkloadNames.workloadOf(null));
        assertNull(WorkloadNames.workloadOf(""));
    }

    @Test
    void keyOfADeploymentCreateIsTheDeploymentName() {
        SecurityEvent e = deploy("prod", "Deployment", "nginx-deployment", null);
        assertEquals("prod/nginx-deployment", WorkloadNames.keyOf(e));
    }

    @Test
    void keyOfADeploymentCreateMeetsItsPodsEvents() {
        assertEquals(WorkloadNames.keyOf(deploy("prod", "Deployment", "api", null)),
                WorkloadNames.keyOf(podEvent("prod", "api-6b7f9d8c54-x2v9r")));
    }

    @Test
    void keyOfAControllersPodCreateKnownOnlyByGenerateNameIsTheDeployment() {
        SecurityEvent e = deploy("monitoring", "Pod", "metrics-agent-7c6d9f8b5", null);
        assertEquals("monitoring/metrics-agent", WorkloadNames.keyOf(e));
        assertEquals(WorkloadNames.keyOf(e), WorkloadNames.keyOf(podEvent("monitoring", "metrics-agent-7c6d9f8b5-phvq7")));
    }

    /**
     * A controller's pod create before the API server named it carries the generateName prefix (trailing dash
     * removed by the parser); the pod then gets {@code <prefix>-<5 safe chars>}. Both must meet under one key.
     */
    @ParameterizedTest(name = "generateName {0} / pod {1}")
    @CsvSource({
        "metrics-agent-7c6d9f8b5, metrics-agent-7c6d9f8b5-phvq7", // ReplicaSet of a Deployment
        "fluentd, fluentd-x7k2p",                                 // DaemonSet
        "migrate, migrate-bq2zx",                                 // Job
        "backup-28934560, backup-28934560-bq2zx",                 // Job of a CronJob
    })
    void keyOfAGenerateNamePodCreateMatchesThePodsLaterEvents(String generateName, String podName) {
        SecurityEvent create = deploy("ns", "Pod", generateName, null);
        SecurityEvent later = podEvent("ns", podName);
        assertNotNull(WorkloadNames.keyOf(later));
        assertEquals(WorkloadNames.keyOf(later), WorkloadNames.keyOf(create));
    }

    @Test
    void keyOfAPodEventUsesTheWorkloadOfThePod() {
        assertEquals("prod/nginx-deployment", WorkloadNames.keyOf(podEvent("prod", "nginx-deployment-7998647bdf-phvq7")));
        assertEquals("prod/db", WorkloadNames.keyOf(podEvent("prod", "db-0")));
    }

    @Test
    void keyOfAnEventWithoutNamespaceIsNull() {
        assertNull(WorkloadNames.keyOf(deploy(null, "Deployment", "api", null)));
        assertNull(WorkloadNames.keyOf(podEvent(null, "api-6b7f9d8c54-x2v9r")));
    }

    @Test
    void keyOfAnEventNamingNoWorkloadIsNull() {
        SecurityEvent hostEvent = new SecurityEvent(1L, TelemetrySource.TETRAGON, EventKind.NETWORK_CONNECT);
        hostEvent.namespace = "prod";
        assertNull(WorkloadNames.keyOf(hostEvent));
    }

    /** Whatever the name looks like, a bare pod's create and its later events meet under one key. */
    @ParameterizedTest
    @ValueSource(strings = {"web", "my-app", "db-0", "fluentd-x7k2p", "api-6b7f9d8c54-x2v9r", "web-bcdfgh",
            "backup-28934560-bq2zx", "x-bcdfg", "a", "job-12345678", "debug-pod-1", "nginx-deployment-7998647bdf-phvq7"})
    void aBarePodCreateAndALaterEventInThatPodGetTheSameKey(String podName) {
        SecurityEvent create = deploy("dev", "Pod", podName, podName);
        SecurityEvent exec = podEvent("dev", podName);
        exec.kind = EventKind.CONTAINER_EXEC;
        SecurityEvent connect = podEvent("dev", podName);
        connect.kind = EventKind.NETWORK_CONNECT;
        assertNotNull(WorkloadNames.keyOf(create));
        assertEquals(WorkloadNames.keyOf(create), WorkloadNames.keyOf(exec));
        assertEquals(WorkloadNames.keyOf(create), WorkloadNames.keyOf(connect));
    }

    @Test
    void podKeyOfIsNamespaceSlashPod() {
        assertEquals("prod/db-0", WorkloadNames.podKeyOf(podEvent("prod", "db-0")));
        assertNull(WorkloadNames.podKeyOf(podEvent("prod", null)));
        assertNull(WorkloadNames.podKeyOf(podEvent(null, "db-0")));
    }

    private static SecurityEvent deploy(String namespace, String kind, String name, String pod) {
        SecurityEvent e = new SecurityEvent(1_000L, TelemetrySource.K8S_AUDIT, EventKind.WORKLOAD_DEPLOY);
        e.namespace = namespace;
        e.workloadKind = kind;
        e.workloadName = name;
        e.pod = pod;
        return e;
    }

    private static SecurityEvent podEvent(String namespace, String pod) {
        SecurityEvent e = new SecurityEvent(2_000L, TelemetrySource.TETRAGON, EventKind.CONTAINER_EXEC);
        e.namespace = namespace;
        e.pod = pod;
        return e;
    }

    /** Kubernetes' own naming: generateName cut to 58 characters, then 5 random ones, no dash when cut. */
    private static String generatedPodName(String owner, String hash) {
        String prefix = owner + "-" + (hash == null ? "" : hash + "-");
        return prefix.substring(0, Math.min(prefix.length(), 58)) + "qz4tw";
    }

    @ParameterizedTest
    @ValueSource(ints = {40, 46, 47, 48, 52, 60})
    void aLongDeploymentAndItsCutPodNamesMeetUnderOneKey(int length) {
        String name = ("payments-metrics-agent-with-a-very-long-descriptive-name-x").repeat(2).substring(0, length);
        String pod = generatedPodName(name, "7c6d9f8b5");
        assertEquals(WorkloadNames.keyOf(deploy("prod", "Deployment", name, null)),
                WorkloadNames.keyOf(podEvent("prod", pod)), pod);
    }

    @ParameterizedTest
    @ValueSource(ints = {45, 52, 58, 62})
    void aLongDaemonSetAndItsCutPodNamesMeetUnderOneKey(int length) {
        String name = ("node-exporter-for-the-observability-stack-of-the-cluster-x").repeat(2).substring(0, length);
        assertEquals(WorkloadNames.keyOf(deploy("prod", "DaemonSet", name, null)),
                WorkloadNames.keyOf(podEvent("prod", generatedPodName(name, null))));
    }
}
