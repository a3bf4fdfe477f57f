package io.breakwater.bench;

import io.breakwater.job.BreakwaterJob;
import io.breakwater.job.JobSettings;
import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Throughput and memory of the whole job (file source to findings) on an embedded Flink, over synthetic but
 * realistically shaped telemetry: many containers exec'ing and connecting inside the cluster, controllers'
 * audit traffic, pod status facts, and a few full attack chains.
 *
 * <pre>mvn -q -B test-compile exec:exec@benchmark [-Dbench.records=400000 -Dbench.parallelism=2 -Dbench.coalesce=5m]</pre>
 *
 * Prints records/s and the JVM's peak heap use; docs/benchmark.md keeps the figures.
 */
public final class PipelineBenchmark {
    private static final Random RANDOM = new Random(7);

    public static void main(String[] args) throws Exception {
        int records = Integer.getInteger("bench.records", 400_000);
        int parallelism = Integer.getInteger("bench.parallelism", 2);
        int containers = Integer.getInteger("bench.containers", 2_000);
        int chains = Integer.getInteger("bench.chains", 5);
        String coalesce = System.getProperty("bench.coalesce", "5m");
        Path dir = Files.createTempDirectory("breakwater-bench");
        // one file per parallel reader, as a topic has one partition per consumer
        Path input = dir.resolve("telemetry");
        Files.createDirectories(input);
        long t0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
        BufferedWriter[] files = new BufferedWriter[parallelism];
        for (int p = 0; p < parallelism; p++) {
            files[p] = Files.newBufferedWriter(input.resolve("part-" + p + ".jsonl"));
        }
        for (int i = 0; i < records; i++) {
            long t = t0 + i * 10L; // 100 records per second of event time
            BufferedWriter out = files[i % parallelism];
            out.write(record(i, t, containers, chains, records));
            out.newLine();
        }
        for (BufferedWriter f : files) {
            f.close();
        }
        Path findings = dir.resolve("findings.jsonl");
        JobSettings settings = JobSettings.of(Map.of("input.paths", input.toString(),
                "output.findings", findings.toString(), "output.dead-letters", dir.resolve("dl.jsonl").toString(),
                "parallelism", String.valueOf(parallelism), "time.out-of-orderness", "30s",
                "time.credential-coalesce-window", coalesce,
                "network.internal-cidrs", "10.96.0.0/12,10.244.0.0/16"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        BreakwaterJob.wire(env, settings);
        long start = System.nanoTime();
        env.execute("benchmark");
        double seconds = (System.nanoTime() - start) / 1e9;
        long found = Files.exists(findings) ? Files.readAllLines(findings).size() : 0;
        System.out.printf("records=%d containers=%d parallelism=%d coalesce=%s seconds=%.1f records_per_s=%.0f "
                        + "findings=%d peak_heap_mb=%d input_mb=%.1f%n", records, containers, parallelism, coalesce,
                seconds,
                records / seconds, found, peakHeapBytes() / (1024 * 1024), sizeOf(input) / 1048576.0);
    }

    private static long sizeOf(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static String record(int i, long t, int containers, int chains, int records) {
        int chainEvery = records / Math.max(1, chains);
        int step = i % chainEvery;
        int chain = i / chainEvery;
        if (step < 6 && chains > 0) {
            return chainStep(step, chain, t);
        }
        int c = RANDOM.nextInt(containers);
        int kind = RANDOM.nextInt(100);
        if (kind < 45) {
            return tetragon("process_exec", t, c, "/usr/bin/python3", "worker.py --queue " + c, "", "");
        } else if (kind < 85) {
            return tetragon("process_connect", t, c, "/usr/bin/python3", "worker.py", "10.244." + (c % 250) + ".9",
                    "5432");
        } else if (kind < 95) {
            // in-cluster controllers: every request is made with a pod-bound token, so each is a credential use
            String sa = "ctrl-" + (c % 20);
            return audit(t, "get", "system:serviceaccount:kube-system:" + sa, "configmaps", "",
                    "ns-" + (c % 50), "cm-" + c, "", "a-" + i).replace("\"user\":{", "\"user\":{\"extra\":{"
                    + "\"authentication.kubernetes.io/pod-name\":[\"" + sa + "-6b7f9d8c54-x2v9r\"]},");
        }
        return audit(t, "get", "system:serviceaccount:ns-" + (c % 50) + ":app", "secrets", "", "ns-" + (c % 50),
                "db-" + c, "", "a-" + i);
    }

    /** A full chain in its own workload: credential, deploy, exec, unit written, systemctl, beacon. */
    private static String chainStep(int step, int chain, long t) {
        String ns = "attack-" + chain;
        String pod = "miner-7c6d9f8b5-qz4t" + "wxzbc".charAt(chain % 5);
        String principal = "mallory-" + chain;
        int c = 900_000 + chain;
        return switch (step) {
            case 0 -> audit(t, "get", principal, "secrets", "", ns, "registry", "", "c-" + chain + "-0");
            case 1 -> audit(t, "create", principal, "deployments", "", ns, "miner",
                    ",\"requestObject\":{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"miner\"},\"spec\":{\"template\":"
                            + "{\"spec\":{\"containers\":[{\"name\":\"m\",\"image\":\"evil/miner:1\"}]}}}}",
                    "c-" + chain + "-1");
            case 2 -> audit(t, "get", principal, "pods", "exec", ns, pod, "", "c-" + chain + "-2");
            case 3 -> tetragonIn("process_exec", t, c, ns, pod, "/usr/bin/systemctl", "enable --now miner.service",
                    "", "");
            case 4 -> tetragonIn("process_exec", t, c, ns, pod, "/bin/sleep", "1", "", "");
            default -> tetragonIn("process_connect", t, c, ns, pod, "/usr/local/bin/miner", "", "198.51.100.7", "443");
        };
    }

    private static String audit(long t, String verb, String user, String resource, String sub, String ns, String name,
            String body, String id) {
        String time = Instant.ofEpochMilli(t).toString();
        String uri = "/api/v1/namespaces/" + ns + "/" + resource + "/" + name + (sub.isEmpty() ? "" : "/" + sub);
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"" + id
                + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"" + uri + "\",\"verb\":\"" + verb
                + "\",\"user\":{\"username\":\"" + user + "\"},\"sourceIPs\":[\"10.244.1.2\"],\"objectRef\":{\"resource\":\""
                + resource + "\",\"namespace\":\"" + ns + "\",\"name\":\"" + name + "\""
                + (sub.isEmpty() ? "" : ",\"subresource\":\"" + sub + "\"")
                + "},\"responseStatus\":{\"code\":" + ("create".equals(verb) ? 201 : sub.isEmpty() ? 200 : 101)
                + "},\"requestReceivedTimestamp\":\"" + time + "\",\"stageTimestamp\":\"" + time + "\"" + body + "}";
    }

    private static String tetragon(String type, long t, int c, String binary, String args, String ip, String port) {
        return tetragonIn(type, t, c, "ns-" + (c % 50), "app-" + c + "-6b7f9d8c54-x2v9r", binary, args, ip, port);
    }

    private static String tetragonIn(String type, long t, int c, String ns, String pod, String binary, String args,
            String ip, String port) {
        String id = String.format("%012x", c) + "5f6e8a0c2e4f6a8b0d1e3f5a7c9e1b3d5f7a9c1e3f5a7b9d1e3f".substring(0, 52);
        String net = ip.isEmpty() ? "" : ",\"source_ip\":\"10.244.0.5\",\"source_port\":40000,\"destination_ip\":\""
                + ip + "\",\"destination_port\":" + port + ",\"protocol\":\"TCP\"";
        return "{\"" + type + "\":{\"process\":{\"exec_id\":\"e" + c + "-" + t + "\",\"pid\":" + (100 + c % 30000)
                + ",\"uid\":0,\"binary\":\"" + binary + "\",\"arguments\":\"" + args + "\",\"start_time\":\""
                + Instant.ofEpochMilli(t).toString() + "\",\"pod\":{\"namespace\":\"" + ns + "\",\"name\":\"" + pod
                + "\",\"container\":{\"id\":\"containerd://" + id + "\",\"name\":\"app\",\"image\":{\"name\":\"app:1\"},"
                + "\"pid\":7}},\"docker\":\"" + id.substring(0, 31) + "\"},\"parent\":{\"binary\":\"/bin/sh\"}" + net
                + "},\"node_name\":\"node-" + (c % 10) + "\",\"time\":\"" + Instant.ofEpochMilli(t).toString() + "\"}";
    }
}
