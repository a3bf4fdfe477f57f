package io.breakwater.detect;

import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * The CEP patterns. Each is bounded with {@code within}. A step that an attacker can make the first of many
 * (a decoy deploy before the real one, an exec into another replica or a kubelet exec probe before the real
 * exec) uses {@code followedByAny}, so every candidate gets its own partial match; the partial matches stay
 * bounded by the start events and {@code within}. Steps that only need to be seen once in the same pod after
 * that (service creation, the outbound connection) use {@code followedBy}: the first one that fits.
 *
 * <p>The skip strategy is deliberately {@code noSkip}: Flink CEP holds a completed match back while an older
 * partial match of the same key is still open under any other strategy, which would delay a finished chain
 * until an unrelated half-chain times out. Duplicate matches (two credential uses before one deploy) are instead
 * collapsed downstream to one finding per completing event.
 */
public final class Detections {
    public static final String CHAIN = "breakwater.chain.container-persistence-c2";
    public static final String EXEC_THEN_SERVICE = "breakwater.exec-then-service-create";
    public static final String TOKEN_THEN_PRIVILEGED_EXEC = "breakwater.pod-token-then-privileged-exec";
    /** Stage 1 of the chain: its matches are intermediate events, not findings. */
    public static final String CREDENTIAL_THEN_DEPLOY = "breakwater.stage.credential-then-deploy";

    static final String POD_TOKEN = "pod-service-account-token";

    private Detections() {}

    /** Stage 1, keyed by principal: a credential use, then a workload created by the same principal. */
    public static Pattern<SecurityEvent, ?> credentialThenDeploy(Duration within) {
        return Pattern.<SecurityEvent>begin("credential", AfterMatchSkipStrategy.noSkip())
                .where(new Succeeded(EventKind.CREDENTIAL_ACCESS))
                .followedByAny("deploy").where(new Succeeded(EventKind.WORKLOAD_DEPLOY))
                .within(within);
    }

    /**
     * Stage 2, keyed by workload: a deploy that followed a credential use, an exec into one of its pods, a service
     * created in that pod, and a connection from that pod to outside the cluster. The whole chain, credential use
     * included, fits in {@code within} plus {@code credentialSlack}: the credential uses reaching stage 1 are
     * coalesced, so the use kept as the cause may be up to that much older than one that was suppressed.
     */
    public static Pattern<SecurityEvent, ?> containerPersistenceChain(Duration within, Duration credentialSlack,
            InternalNetworks internal) {
        return Pattern.<SecurityEvent>begin("deploy", AfterMatchSkipStrategy.noSkip())
                .where(new DeployAfterCredential())
                .followedByAny("exec").where(new Succeeded(EventKind.CONTAINER_EXEC))
                .followedBy("service").where(new InSamePodAs(EventKind.SERVICE_CREATE, "exec"))
                .followedBy("connect").where(new ExternalConnection(internal, within.plus(credentialSlack).toMillis()))
                .within(within);
    }

    /** Keyed by pod: an exec into a container, then a service created in it. */
    public static Pattern<SecurityEvent, ?> execThenServiceCreate(Duration within) {
        return Pattern.<SecurityEvent>begin("exec", AfterMatchSkipStrategy.noSkip())
                .where(new Succeeded(EventKind.CONTAINER_EXEC))
                .followedBy("service").where(new Succeeded(EventKind.SERVICE_CREATE))
                .within(within);
    }

    /** Keyed by principal: a request made with a pod's service-account token, then an exec into a privileged pod. */
    public static Pattern<SecurityEvent, ?> podTokenThenPrivilegedExec(Duration within) {
        return Pattern.<SecurityEvent>begin("credential", AfterMatchSkipStrategy.noSkip())
                .where(new PodTokenUse())
                .followedByAny("exec").where(new PrivilegedExec())
                .within(within);
    }

    /** An event of a kind whose request did not fail (a 403 on a secret is not credential access). */
    static final class Succeeded extends SimpleCondition<SecurityEvent> {
        private static final long serialVersionUID = 1L;
        private final EventKind kind;

        Succeeded(EventKind kind) {
            this.kind = kind;
        }

        @Override
        public boolean filter(SecurityEvent e) {
            return e.kind == kind && !"failure".equals(e.outcome);
        }
    }

    static final class DeployAfterCredential extends SimpleCondition<SecurityEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(SecurityEvent e) {
            return e.kind == EventKind.WORKLOAD_DEPLOY && e.cause != null;
        }
    }

    static final class PodTokenUse extends SimpleCondition<SecurityEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(SecurityEvent e) {
            return e.kind == EventKind.CREDENTIAL_ACCESS && POD_TOKEN.equals(e.credentialType)
                    && !"failure".equals(e.outcome);
        }
    }

    static final class PrivilegedExec extends SimpleCondition<SecurityEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(SecurityEvent e) {
            return e.kind == EventKind.CONTAINER_EXEC && e.privileged && !"failure".equals(e.outcome);
        }
    }

    /** An event of a kind in the same pod as the event matched to an earlier step. */
    static final class InSamePodAs extends IterativeCondition<SecurityEvent> {
        private static final long serialVersionUID = 1L;
        private final EventKind kind;
        private final String earlierStep;

        InSamePodAs(EventKind kind, String earlierStep) {
            this.kind = kind;
            this.earlierStep = earlierStep;
        }

        @Override
        public boolean filter(SecurityEvent e, Context<SecurityEvent> ctx) throws Exception {
            if (e.kind != kind || "failure".equals(e.outcome)) {
                return false;
            }
            for (SecurityEvent earlier : ctx.getEventsForPattern(earlierStep)) {
                if (samePod(earlier, e)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A connection out of the cluster from the pod the service was created in, still inside the chain's bound. */
    static final class ExternalConnection extends IterativeCondition<SecurityEvent> {
        private static final long serialVersionUID = 1L;
        private final InternalNetworks internal;
        private final long withinMs;

        ExternalConnection(InternalNetworks internal, long withinMs) {
            this.internal = internal;
            this.withinMs = withinMs;
        }

        @Override
        public boolean filter(SecurityEvent e, Context<SecurityEvent> ctx) throws Exception {
            if (e.kind != EventKind.NETWORK_CONNECT || e.peer == null || !internal.isExternal(e.peer.ip)) {
                return false;
            }
            for (SecurityEvent deploy : ctx.getEventsForPattern("deploy")) {
                if (deploy.cause != null && e.eventTime - deploy.cause.time > withinMs) {
                    return false;
                }
            }
            for (SecurityEvent service : ctx.getEventsForPattern("service")) {
                if (samePod(service, e)) {
                    return true;
                }
            }
            return false;
        }
    }

    static boolean samePod(SecurityEvent a, SecurityEvent b) {
        return a.pod != null && Objects.equals(a.namespace, b.namespace) && Objects.equals(a.pod, b.pod);
    }
}
