package io.breakwater.job;

import io.breakwater.correlate.ContainerIdentityResolver;
import io.breakwater.correlate.CredentialUseCoalescer;
import io.breakwater.correlate.EventOrder;
import io.breakwater.correlate.FirstPerKey;
import io.breakwater.correlate.WorkloadContextEnricher;
import io.breakwater.correlate.WorkloadNames;
import io.breakwater.detect.CauseAttacher;
import io.breakwater.detect.DetectionPattern;
import io.breakwater.detect.Detections;
import io.breakwater.detect.Durations;
import io.breakwater.detect.FindingBuilder;
import io.breakwater.detect.InternalNetworks;
import io.breakwater.detect.PatternCatalog;
import io.breakwater.event.EventKind;
import io.breakwater.event.SecurityEvent;
import io.breakwater.event.TelemetrySource;
import io.breakwater.finding.Finding;
import io.breakwater.ingest.ContainerIds;
import io.breakwater.ingest.DeadLetter;
import io.breakwater.source.NormalisedRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * The detection graph: normalised records → events → correlate → CEP → findings, with every
 * unusable or late record on the dead-letter stream. Sources and sinks are the caller's ({@link BreakwaterJob}
 * in production, tests elsewhere), so tests run exactly this graph. docs/architecture.md draws it.
 */
public final class DetectionPipeline {
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));
    private static final TypeInformation<SecurityEvent> EVENT = TypeInformation.of(SecurityEvent.class);
    private static final TypeInformation<DeadLetter> DEAD_LETTER = TypeInformation.of(DeadLetter.class);
    private static final TypeInformation<Finding> FINDING = TypeInformation.of(Finding.class);
    private static final EventOrder ORDER = new EventOrder();

    /** The two streams the graph produces. */
    public static final class Outputs {
        public final DataStream<Finding> findings;
        public final DataStream<DeadLetter> deadLetters;

        Outputs(DataStream<Finding> findings, DataStream<DeadLetter> deadLetters) {
            this.findings = findings;
            this.deadLetters = deadLetters;
        }
    }

    private final JobSettings settings;
    private final PatternCatalog patterns;
    private final List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();

    private DetectionPipeline(JobSettings settings) {
        this.settings = settings;
        String dir = settings.get("patterns.dir");
        this.patterns = PatternCatalog.load(dir == null ? null : Path.of(dir), Detections.CHAIN,
                Detections.EXEC_THEN_SERVICE, Detections.TOKEN_THEN_PRIVILEGED_EXEC,
                Detections.CREDENTIAL_THEN_DEPLOY);
    }

    /** @param records normalised records with their timestamps and watermarks from the source ({@link #watermarks}) */
    public static Outputs build(DataStream<NormalisedRecord> records, JobSettings settings) {
        return new DetectionPipeline(settings).wire(records);
    }

    private Outputs wire(DataStream<NormalisedRecord> records) {
        DataStream<SecurityEvent> events = unpack(records);
        DataStream<SecurityEvent> resolved = resolveContainers(dedupeAuditStages(events));

        // at most one credential use per principal and credential per window: see CredentialUseCoalescer
        Duration coalesce = settings.duration("time.credential-coalesce-window");
        // failed uses are dropped before coalescing: a denied probe must not stand in for the successful use after it
        DataStream<SecurityEvent> credentialUses = resolved
                .filter(e -> e.kind == EventKind.CREDENTIAL_ACCESS && e.principal != null
                        && !"failure".equals(e.outcome))
                .name("credential-events").uid("credential-events")
                .keyBy(CredentialUseCoalescer::keyOf)
                .process(new CredentialUseCoalescer(coalesce), EVENT)
                .name("credential-uses").uid("credential-uses");

        // stage 1, keyed by principal: which deploys followed a credential use by the same principal
        DataStream<SecurityEvent> deploysAfterCredential = firstPerKey(
                match(Detections.CREDENTIAL_THEN_DEPLOY,
                        credentialUses.union(resolved
                                        .filter(e -> e.kind == EventKind.WORKLOAD_DEPLOY && e.principal != null)
                                        .name("deploy-events").uid("deploy-events"))
                                .keyBy(e -> e.principal),
                        Detections.credentialThenDeploy(within(Detections.CREDENTIAL_THEN_DEPLOY).plus(coalesce)),
                        new CauseAttacher(), EVENT),
                "credential-then-deploy", e -> e.rawRef + "|" + e.kind,
                within(Detections.CREDENTIAL_THEN_DEPLOY).plus(coalesce), EVENT);

        // everything that happens to a workload, in event-time order, told what its deploys said
        DataStream<SecurityEvent> workloadEvents = resolved
                .filter(e -> e.kind != EventKind.CREDENTIAL_ACCESS
                        // of the identity facts, only a runtime's report of a privileged container teaches anything
                        && (e.kind != EventKind.OBSERVATION || e.privileged)
                        && WorkloadNames.keyOf(e) != null)
                .name("workload-events").uid("workload-events")
                .union(deploysAfterCredential)
                .keyBy(WorkloadNames::keyOf)
                .process(new WorkloadContextEnricher(settings.duration("time.workload-profile-ttl")), EVENT)
                .name("workload-context").uid("workload-context");

        InternalNetworks internal = internalNetworks();
        List<DataStream<Finding>> findings = new ArrayList<>();
        findings.add(findings(Detections.CHAIN, List.of("deploy", "exec", "service", "connect"),
                workloadEvents.filter(e -> e.kind != EventKind.OBSERVATION)
                        .name("chain-events").uid("chain-events")
                        .keyBy(WorkloadNames::keyOf),
                Detections.containerPersistenceChain(within(Detections.CHAIN), coalesce, internal)));
        findings.add(findings(Detections.EXEC_THEN_SERVICE, List.of("exec", "service"),
                workloadEvents.filter(e -> WorkloadNames.podKeyOf(e) != null
                                && (e.kind == EventKind.CONTAINER_EXEC || e.kind == EventKind.SERVICE_CREATE))
                        .name("exec-and-service-events").uid("exec-and-service-events")
                        .keyBy(WorkloadNames::podKeyOf),
                Detections.execThenServiceCreate(within(Detections.EXEC_THEN_SERVICE))));
        findings.add(findings(Detections.TOKEN_THEN_PRIVILEGED_EXEC, List.of("credential", "exec"),
                credentialUses
                        .union(workloadEvents.filter(e -> e.kind == EventKind.CONTAINER_EXEC && e.principal != null)
                                .name("exec-events").uid("exec-events"))
                        .keyBy(e -> e.principal),
                Detections.podTokenThenPrivilegedExec(within(Detections.TOKEN_THEN_PRIVILEGED_EXEC).plus(coalesce))));

        DataStream<Finding> all = findings.get(0).union(findings.subList(1, findings.size()).toArray(DataStream[]::new));
        Duration longest = within(Detections.CHAIN).plus(within(Detections.CREDENTIAL_THEN_DEPLOY)).plus(coalesce);
        DataStream<Finding> unique = firstPerKey(all, "findings",
                f -> f.patternId + "|" + f.completingRef(), longest, FINDING);

        DataStream<DeadLetter> rejected = deadLetters.get(0);
        for (DataStream<DeadLetter> d : deadLetters.subList(1, deadLetters.size())) {
            rejected = rejected.union(d);
        }
        return new Outputs(unique, rejected);
    }

    private DataStream<SecurityEvent> unpack(DataStream<NormalisedRecord> records) {
        SingleOutputStreamOperator<SecurityEvent> events = records
                .process(new UnpackRecords(settings.get("cluster.name"), DEAD_LETTERS), EVENT)
                .name("normalise").uid("normalise");
        deadLetters.add(events.getSideOutput(DEAD_LETTERS));
        return events;
    }

    /**
     * Watermarks are made at the source, from the event time normalisation found in each record, so a Kafka
     * source keeps one per partition: partitions read at different speeds (a backlog after a restart) do not make
     * each other's events late. The bound is {@code time.out-of-orderness}, a quiet partition goes idle after
     * {@code time.idleness}; {@code unbounded} is for file replays: order is established at the end of input.
     */
    public static WatermarkStrategy<NormalisedRecord> watermarks(JobSettings settings) {
        WatermarkStrategy<NormalisedRecord> strategy = settings.unboundedOutOfOrderness()
                ? WatermarkStrategy.noWatermarks()
                : WatermarkStrategy.<NormalisedRecord>forBoundedOutOfOrderness(
                                settings.duration("time.out-of-orderness"))
                        .withIdleness(settings.duration("time.idleness"));
        return strategy.withTimestampAssigner((r, previous) -> r.eventTime);
    }

    /** The API server logs one request once per stage: let each request's events through once. */
    private DataStream<SecurityEvent> dedupeAuditStages(DataStream<SecurityEvent> events) {
        DataStream<SecurityEvent> audit = events.filter(e -> e.source == TelemetrySource.K8S_AUDIT)
                .name("audit-events").uid("audit-events");
        DataStream<SecurityEvent> others = events.filter(e -> e.source != TelemetrySource.K8S_AUDIT)
                .name("runtime-events").uid("runtime-events");
        // one request can mean several events: a pod-token use and a secret read, one fact per container
        return firstPerKey(audit, "audit-stages",
                e -> e.rawRef + "|" + e.kind + "|" + e.credentialType + "|" + e.containerId,
                settings.duration("time.audit-stage-window"), EVENT).union(others);
    }

    /** Runtime events meet their pod by container id; events without one pass by. */
    private DataStream<SecurityEvent> resolveContainers(DataStream<SecurityEvent> events) {
        DataStream<SecurityEvent> withId = events.filter(e -> e.containerId != null)
                .name("container-events").uid("container-events")
                .keyBy(e -> ContainerIds.prefix12(e.containerId))
                .transform("container-identity", EVENT, new ContainerIdentityResolver(
                        settings.duration("time.container-resolve-wait"),
                        settings.duration("time.container-binding-ttl")))
                .uid("container-identity");
        return withId.union(events.filter(e -> e.containerId == null)
                .name("events-without-container").uid("events-without-container"));
    }

    private <T> DataStream<T> firstPerKey(DataStream<T> in, String name,
            KeySelector<T, String> key, Duration memory,
            TypeInformation<T> type) {
        return in.keyBy(key).process(new FirstPerKey<T>(memory, name + "Duplicates"), type)
                .name("dedupe-" + name).uid("dedupe-" + name);
    }

    /** Runs a pattern with late events routed to the dead letters (CEP would drop them silently). */
    private <R> SingleOutputStreamOperator<R> match(String patternId, KeyedStream<SecurityEvent, String> keyed,
            Pattern<SecurityEvent, ?> pattern, PatternProcessFunction<SecurityEvent, R> onMatch,
            TypeInformation<R> type) {
        OutputTag<SecurityEvent> late = new OutputTag<>("late-" + patternId, EVENT);
        // the uid carries the pattern version: CEP state is tied to the pattern's shape
        SingleOutputStreamOperator<R> out = CEP.pattern(keyed, pattern, ORDER).sideOutputLateData(late)
                .process(onMatch, type)
                .name("cep-" + patternId).uid("cep-" + patternId + "-v" + patterns.get(patternId).version);
        deadLetters.add(out.getSideOutput(late).map(new LateEventToDeadLetter(patternId), DEAD_LETTER)
                .name("late-" + patternId).uid("late-" + patternId));
        return out;
    }

    private DataStream<Finding> findings(String patternId, List<String> steps, KeyedStream<SecurityEvent, String> keyed,
            Pattern<SecurityEvent, ?> pattern) {
        return match(patternId, keyed, pattern,
                new FindingBuilder(patterns.get(patternId), steps, settings.get("cluster.name")), FINDING);
    }

    /** The pattern file's bound, unless the job configuration overrides it ({@code detection.*-within}). */
    private Duration within(String patternId) {
        String override = settings.get(JobSettings.WITHIN_OVERRIDES.get(patternId));
        return override != null ? Durations.parse(override) : patterns.get(patternId).withinDuration();
    }

    private InternalNetworks internalNetworks() {
        List<String> ranges = new ArrayList<>(InternalNetworks.DEFAULT_RANGES);
        ranges.addAll(settings.list("network.internal-cidrs"));
        return new InternalNetworks(ranges);
    }
}
