package io.breakwater.event;

import java.util.Arrays;
import java.util.Objects;

/**
 * One normalised telemetry event: what every parser produces and every pattern reads.
 *
 * <p>A Flink POJO (public fields, public no-arg constructor, no interface-typed fields) so the job runs with
 * {@code pipeline.generic-types: false}: arrays instead of lists, nested POJOs instead of maps.
 *
 * <p>Never holds a secret value: parsers copy names and references, not payloads.
 */
public class SecurityEvent {
    /** Event time, epoch milliseconds (UTC). */
    public long eventTime;
    public TelemetrySource source;
    public EventKind kind;
    /** What happened, source-neutral and short: {@code secrets.get}, {@code pods/exec}, {@code systemctl enable}. */
    public String action;
    /** success, failure or unknown. */
    public String outcome;

    // --- where ---
    public String cluster;
    public String namespace;
    public String pod;
    /** Container name inside the pod. */
    public String container;
    /** Lower-case hex, runtime prefix (containerd://, docker://, cri-o://) removed; may be a 12- or 31-char prefix. */
    public String containerId;
    public String image;
    public String node;

    // --- who ---
    /** The authenticated user or service account ({@code system:serviceaccount:<ns>:<sa>}); the impersonated user when there is one. */
    public String principal;
    /** Set when a request was made with a pod-bound service-account token: the pod the token belongs to. */
    public String credentialPod;
    /** secret, service-account-token-request, pod-service-account-token (CREDENTIAL_ACCESS only). */
    public String credentialType;
    public String sourceIp;

    // --- what ---
    /** For WORKLOAD_DEPLOY: the created object's kind (Pod, Deployment, ...); for pod events: the owning kind when known. */
    public String workloadKind;
    /** For WORKLOAD_DEPLOY: the created object's name; for pod events: the owning workload when known. */
    public String workloadName;
    /** Every container image of a created workload. */
    public String[] images;
    public boolean privileged;
    public boolean hostPid;
    public boolean hostNetwork;
    public boolean hostPath;
    public ProcessInfo process;
    public NetworkPeer peer;
    /** The object acted on: the secret name, the unit file path, the service name, the exec command. */
    public String target;
    /** The sensor's rule or policy that fired (Falco rule, Tetragon policy), when any. */
    public String sensorRule;

    /**
     * The earlier event a correlation stage tied this one to: for a deploy, the credential use that preceded it.
     * Null on events straight from a parser.
     */
    public Evidence cause;

    // --- provenance ---
    /** Reference to the raw record: {@code k8s_audit:<auditID>}, {@code tetragon:process_exec:<exec_id>@<time>}, ... */
    public String rawRef;

    public SecurityEvent() {}

    public SecurityEvent(long eventTime, TelemetrySource source, EventKind kind) {
        this.eventTime = eventTime;
        this.source = source;
        this.kind = kind;
    }

    /** A copy that shares the immutable nested values' identity but not this object's fields. */
    public SecurityEvent copy() {
        SecurityEvent c = new SecurityEvent(eventTime, source, kind);
        c.action = action;
        c.outcome = outcome;
        c.cluster = cluster;
        c.namespace = namespace;
        c.pod = pod;
        c.container = container;
        c.containerId = containerId;
        c.image = image;
        c.node = node;
        c.principal = principal;
        c.credentialPod = credentialPod;
        c.credentialType = credentialType;
        c.sourceIp = sourceIp;
        c.workloadKind = workloadKind;
        c.workloadName = workloadName;
        c.images = images == null ? null : images.clone();
        c.privileged = privileged;
        c.hostPid = hostPid;
        c.hostNetwork = hostNetwork;
        c.hostPath = hostPath;
        c.process = process;
        c.peer = peer;
        c.target = target;
        c.sensorRule = sensorRule;
        c.rawRef = rawRef;
        c.cause = cause;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SecurityEvent)) {
            return false;
        }
        SecurityEvent e = (SecurityEvent) o;
        return eventTime == e.eventTime && source == e.source && kind == e.kind
                && privileged == e.privileged && hostPid == e.hostPid && hostNetwork == e.hostNetwork
                && hostPath == e.hostPath && Objects.equals(action, e.action) && Objects.equals(outcome, e.outcome)
                && Objects.equals(cluster, e.cluster) && Objects.equals(namespace, e.namespace)
                && Objects.equals(pod, e.pod) && Objects.equals(container, e.container)
                && Objects.equals(containerId, e.containerId) && Objects.equals(image, e.image)
                && Objects.equals(node, e.node) && Objects.equals(principal, e.principal)
                && Objects.equals(credentialPod, e.credentialPod) && Objects.equals(credentialType, e.credentialType)
                && Objects.equals(sourceIp, e.sourceIp) && Objects.equals(workloadKind, e.workloadKind)
                && Objects.equals(workloadName, e.workloadName) && Arrays.equals(images, e.images)
                && Objects.equals(process, e.process) && Objects.equals(peer, e.peer)
                && Objects.equals(target, e.target) && Objects.equals(sensorRule, e.sensorRule)
                && Objects.equals(rawRef, e.rawRef) && Objects.equals(cause, e.cause);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventTime, source, kind, rawRef, pod, containerId);
    }

    @Override
    public String toString() {
        return kind + "@" + eventTime + "[" + source + " " + action + " ns=" + namespace + " pod=" + pod
                + " cid=" + containerId + " principal=" + principal + " ref=" + rawRef + "]";
    }
}
