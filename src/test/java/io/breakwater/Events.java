package io.breakwater;

import io.breakwater.event.EventKind;
import io.breakwater.event.Evidence;
import io.breakwater.event.NetworkPeer;
import io.breakwater.event.SecurityEvent;
import io.breakwater.event.TelemetrySource;

/** Small builders for hand-made events in unit tests. */
public final class Events {
    private Events() {}

    public static SecurityEvent event(long time, TelemetrySource source, EventKind kind, String rawRef) {
        SecurityEvent e = new SecurityEvent(time, source, kind);
        e.rawRef = rawRef;
        e.outcome = "success";
        e.cluster = "test";
        return e;
    }

    public static SecurityEvent inPod(SecurityEvent e, String namespace, String pod) {
        e.namespace = namespace;
        e.pod = pod;
        return e;
    }

    public static SecurityEvent runtime(long time, EventKind kind, String rawRef, String containerId) {
        SecurityEvent e = event(time, TelemetrySource.TETRAGON, kind, rawRef);
        e.containerId = containerId;
        return e;
    }

    public static SecurityEvent deployAfterCredential(long time, String namespace, String workload, String ref) {
        SecurityEvent e = event(time, TelemetrySource.K8S_AUDIT, EventKind.WORKLOAD_DEPLOY, ref);
        e.namespace = namespace;
        e.workloadKind = "Deployment";
        e.workloadName = workload;
        e.principal = "mallory";
        SecurityEvent credential = event(time - 1000, TelemetrySource.K8S_AUDIT, EventKind.CREDENTIAL_ACCESS, ref + "-cred");
        credential.principal = "mallory";
        e.cause = Evidence.of(credential);
        return e;
    }

    public static SecurityEvent connect(SecurityEvent e, String ip, int port) {
        e.peer = new NetworkPeer(ip, port, "TCP");
        return e;
    }
}
