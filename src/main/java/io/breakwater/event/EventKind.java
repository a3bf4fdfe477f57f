package io.breakwater.event;

/** What a normalised event means for the detection, whatever source reported it. */
public enum EventKind {
    /** Secrets read, service-account tokens requested, or a request made with a pod's service-account token. */
    CREDENTIAL_ACCESS,
    /** A pod, deployment, daemonset, statefulset, replicaset, job or cronjob created. */
    WORKLOAD_DEPLOY,
    /** pods/exec or pods/attach, or a shell started in a container outside its entrypoint's process tree. */
    CONTAINER_EXEC,
    /** A system service created or enabled (MITRE T1569 / T1543). */
    SERVICE_CREATE,
    /** An outbound network connection. */
    NETWORK_CONNECT,
    /**
     * A fact about identities only (a container id seen with its pod, a process start): used by correlation,
     * never a detection step.
     */
    OBSERVATION
}
