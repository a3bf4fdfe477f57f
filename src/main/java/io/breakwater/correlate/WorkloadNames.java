package io.breakwater.correlate;

import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the workload a pod belongs to, from the pod's name alone, the way Kubernetes controllers build them.
 *
 * <p>A user creates a Deployment; the ReplicaSet controller creates its pods as
 * {@code <deployment>-<pod-template-hash>-<suffix>}. Walking the name back to the Deployment ties runtime events
 * and execs to the principal who created the workload, where attributing the pod to the controller would lose the
 * chain. Hashes and suffixes use Kubernetes' "safe" alphabet (no vowels, no 0/1/3), which keeps ordinary words
 * from being mistaken for them. The same function is applied to a created bare pod's name, so a deploy and the
 * later events of that pod always meet under one key, whatever the name looks like.
 */
public final class WorkloadNames {
    private static final String SAFE = "[bcdfghjklmnpqrstvwxz2456789]";
    private static final Pattern DEPLOYMENT_POD = Pattern.compile("^(.+)-" + SAFE + "{6,10}-" + SAFE + "{5}$");
    private static final Pattern CRONJOB_POD = Pattern.compile("^(.+)-\\d{8,}-" + SAFE + "{5}$");
    private static final Pattern CONTROLLER_POD = Pattern.compile("^(.+)-" + SAFE + "{5}$");
    private static final Pattern STATEFUL_POD = Pattern.compile("^(.+)-\\d+$");
    static final int KEPT_NAME_CHARS = 47;
    private static final Pattern REPLICASET = Pattern.compile("^(.+)-" + SAFE + "{6,10}$");
    /** A CronJob's Job, {@code <cronjob>-<scheduled minute>}: its pods are named as {@link #CRONJOB_POD}. */
    private static final Pattern CRONJOB_JOB = Pattern.compile("^(.+)-\\d{8,}$");
    private static final Pattern[] BY_PRECEDENCE = {DEPLOYMENT_POD, CRONJOB_POD, CONTROLLER_POD, STATEFUL_POD};

    private WorkloadNames() {}

    /** The owning workload's name for a pod name; the pod name itself for a bare pod. */
    public static String workloadOf(String podName) {
        if (podName == null || podName.isEmpty()) {
            return null;
        }
        for (Pattern p : BY_PRECEDENCE) {
            Matcher m = p.matcher(podName);
            if (m.matches()) {
                return m.group(1);
            }
        }
        return podName;
    }

    /**
     * The correlation key {@code <namespace>/<workload>} of an event, or null when the event names no workload
     * (host events, runtime events whose pod could not be resolved, cluster-scoped requests).
     */
    public static String keyOf(SecurityEvent e) {
        if (e.namespace == null) {
            return null;
        }
        String workload;
        if (e.kind == EventKind.WORKLOAD_DEPLOY && e.workloadName != null && !"Pod".equals(e.workloadKind)) {
            workload = e.workloadName;
        } else if (e.pod != null) {
            workload = workloadOf(e.pod);
        } else if (e.kind == EventKind.WORKLOAD_DEPLOY && e.workloadName != null) {
            // a controller's pod create before the API server named it: the name is the generateName prefix,
            // i.e. the ReplicaSet's name (<deployment>-<hash>), a CronJob's Job (<cronjob>-<minute>) or the owner's
            // name: walked back the same way as the pod's later name, so both meet under one key
            Matcher rs = REPLICASET.matcher(e.workloadName);
            Matcher job = CRONJOB_JOB.matcher(e.workloadName);
            workload = rs.matches() ? rs.group(1) : job.matches() ? job.group(1) : e.workloadName;
        } else {
            return null;
        }
        return e.namespace + "/" + cut(workload);
    }

    /**
     * Kubernetes cuts a generated pod name's prefix to 58 characters before adding 5 random ones, so the pods of a
     * workload with a long name carry only its first characters, and no dash before the suffix. The first 47
     * characters (58 less a dash and the longest pod-template hash) are what every pod of a workload still shows:
     * keys use no more than that.
     */
    private static String cut(String workload) {
        return workload.length() > KEPT_NAME_CHARS ? workload.substring(0, KEPT_NAME_CHARS) : workload;
    }

    /** {@code <namespace>/<pod>}, or null when the pod is unknown. */
    public static String podKeyOf(SecurityEvent e) {
        return e.namespace == null || e.pod == null ? null : e.namespace + "/" + e.pod;
    }
}
