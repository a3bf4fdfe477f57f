package io.breakwater.correlate;

import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;

/** What the deploys of one workload said about it. A Flink POJO kept in keyed state. */
public class WorkloadProfile {
    public boolean privileged;
    public boolean hostPid;
    public boolean hostNetwork;
    public boolean hostPath;
    public String image;
    public String workloadKind;
    public String workloadName;
    /** Event time of the latest event of any kind about the workload: the profile lives as long as it is busy. */
    public long lastSeen;

    public WorkloadProfile() {}

    /**
     * What any event says: a runtime sensor reporting the container as privileged makes the workload privileged
     * even when its deploy came before the job started.
     */
    void observe(SecurityEvent e) {
        privileged |= e.privileged && e.kind != EventKind.WORKLOAD_DEPLOY;
        lastSeen = Math.max(lastSeen, e.eventTime);
    }

    /** A later deploy of the workload (a Deployment, then its pods) adds to what is known; flags only widen. */
    void learn(SecurityEvent deploy) {
        privileged |= deploy.privileged;
        hostPid |= deploy.hostPid;
        hostNetwork |= deploy.hostNetwork;
        hostPath |= deploy.hostPath;
        if (deploy.image != null) {
            image = deploy.image;
        }
        if (workloadKind == null || !"Pod".equals(deploy.workloadKind)) {
            workloadKind = deploy.workloadKind;
            workloadName = deploy.workloadName;
        }
    }

    void applyTo(SecurityEvent e) {
        e.privileged |= privileged;
        e.hostPid |= hostPid;
        e.hostNetwork |= hostNetwork;
        e.hostPath |= hostPath;
        if (e.image == null) {
            e.image = image;
        }
        if (e.workloadName == null) {
            e.workloadKind = workloadKind;
            e.workloadName = workloadName;
        }
    }
}
