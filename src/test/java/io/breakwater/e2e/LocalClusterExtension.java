package io.breakwater.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Starts a real Kafka broker and a real Flink session cluster (JobManager + TaskManager JVMs) around a test class,
 * with {@code deploy/local/kafka.sh} and {@code deploy/local/flink.sh}, and stops them after it, also when tests
 * fail. A JVM shutdown hook stops them when the test JVM is stopped, and the scripts' watchdog (owner pid) stops
 * them when the test JVM is killed outright.
 *
 * <p>Services that are already running in the work dir (started by an operator with the same scripts) are used
 * and left running. {@code -Dbreakwater.e2e.kafka-bootstrap=host:port -Dbreakwater.e2e.flink-rest=http://..}
 * (or the environment variables {@code BREAKWATER_E2E_KAFKA_BOOTSTRAP}, {@code BREAKWATER_E2E_FLINK_REST})
 * point the test at services started elsewhere, which are then neither started nor stopped.
 */
public final class LocalClusterExtension
        implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler,
                LifecycleMethodExecutionExceptionHandler {

    private static final long SCRIPT_TIMEOUT_SECONDS = 300;

    private final Path baseDir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private final Path scripts = baseDir.resolve("deploy/local");
    private Path workDir = Path.of(System.getProperty("breakwater.cluster.dir",
            baseDir.resolve("target/local-cluster").toString())).toAbsolutePath();

    private final List<String> startedHere = new ArrayList<>();
    private Thread shutdownHook;
    private String kafkaBootstrap;
    private String flinkRest;

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public String flinkRest() {
        return flinkRest;
    }

    public Path workDir() {
        return workDir;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String externalKafka = setting("breakwater.e2e.kafka-bootstrap", "BREAKWATER_E2E_KAFKA_BOOTSTRAP");
        String externalFlink = setting("breakwater.e2e.flink-rest", "BREAKWATER_E2E_FLINK_REST");
        if (ownedByAnotherRun(workDir)) {
            // another test run in this checkout started the services there and will stop them: use our own
            Path own = workDir.resolveSibling(workDir.getFileName() + "-" + ProcessHandle.current().pid());
            log(workDir + " belongs to another running test (watchdog alive): using " + own);
            workDir = own;
        }
        List<String> toStart = new ArrayList<>();
        if (externalKafka == null) {
            if (script("kafka.sh", "status", false)) {
                log("Kafka already running in " + workDir + ": using it, leaving it running");
            } else {
                toStart.add("kafka.sh");
            }
        }
        if (externalFlink == null) {
            if (script("flink.sh", "status", false)) {
                log("Flink already running in " + workDir + ": using it, leaving it running");
            } else {
                toStart.add("flink.sh");
            }
        }
        if (!toStart.isEmpty()) {
            shutdownHook = new Thread(this::stopStarted, "breakwater-local-cluster-stop");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        long t0 = System.nanoTime();
        try {
            startAll(toStart);
        } catch (Throwable t) {
            printServiceLogs();
            stopStarted();
            throw t;
        }
        if (!toStart.isEmpty()) {
            log(String.format("started %s in %.1f s", toStart, (System.nanoTime() - t0) / 1e9));
        }
        kafkaBootstrap = externalKafka != null ? externalKafka : readEnv("kafka.env", "KAFKA_BOOTSTRAP");
        flinkRest = externalFlink != null ? externalFlink : readEnv("flink.env", "FLINK_REST");
        log("KAFKA_BOOTSTRAP=" + kafkaBootstrap + " FLINK_REST=" + flinkRest);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopStarted();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run
            }
            shutdownHook = null;
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        printServiceLogs();
        throw throwable;
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        printServiceLogs();
        throw throwable;
    }

    /** Starts the services in parallel: Kafka and Flink start-ups overlap. */
    private void startAll(List<String> names) throws Exception {
        Map<String, Process> running = new HashMap<>();
        for (String name : names) {
            running.put(name, launch(name, "start"));
            synchronized (startedHere) {
                startedHere.add(name);
            }
        }
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, Process> e : running.entrySet()) {
            Process p = e.getValue();
            if (!p.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                failed.add(e.getKey() + " start (timed out after " + SCRIPT_TIMEOUT_SECONDS + " s)");
            } else if (p.exitValue() != 0) {
                failed.add(e.getKey() + " start (exit " + p.exitValue() + ")");
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("could not start the local cluster: " + failed
                    + " (see the script output above and the logs under " + workDir + ")");
        }
    }

    private void stopStarted() {
        List<String> names;
        synchronized (startedHere) {
            names = new ArrayList<>(startedHere);
            startedHere.clear();
        }
        // Flink first: a running job should not see its broker vanish first
        names.sort((a, b) -> a.startsWith("flink") ? -1 : b.startsWith("flink") ? 1 : 0);
        for (String name : names) {
            try {
                script(name, "stop", true);
            } catch (Exception e) {
                System.err.println("[local-cluster] stopping " + name + " failed: " + e);
            }
        }
    }

    private boolean script(String name, String command, boolean echo) throws IOException, InterruptedException {
        Process p = launch(name, command, echo);
        if (!p.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }

    private Process launch(String name, String command) throws IOException {
        return launch(name, command, true);
    }

    /**
     * Runs a script with its output piped and copied line by line to System.out (writing to the inherited native
     * stdout of a failsafe fork would corrupt its channel).
     */
    private Process launch(String name, String command, boolean echo) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", scripts.resolve(name).toString(), command)
                .directory(baseDir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("BREAKWATER_CLUSTER_DIR", workDir.toString());
        env.put("BREAKWATER_OWNER_PID", Long.toString(ProcessHandle.current().pid()));
        String mavenHome = System.getProperty("breakwater.maven.home", "");
        if (!mavenHome.isBlank() && Files.isExecutable(Path.of(mavenHome, "bin", "mvn"))) {
            env.put("MVN", Path.of(mavenHome, "bin", "mvn").toString());
        }
        String javaHome = System.getProperty("java.home");
        env.putIfAbsent("JAVA_HOME", javaHome);
        Process p = pb.start();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (echo) {
                        System.out.println("[" + name + "] " + line);
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
        }, "pump-" + name);
        pump.setDaemon(true);
        pump.start();
        return p;
    }

    /** True when services in that dir were started by a test JVM that is still alive (its watchdogs run). */
    private static boolean ownedByAnotherRun(Path dir) {
        for (String f : List.of("kafka.watchdog.pid", "flink-jobmanager.watchdog.pid", "flink-taskmanager.watchdog.pid")) {
            try {
                Path pidFile = dir.resolve(f);
                if (Files.isRegularFile(pidFile)) {
                    long pid = Long.parseLong(Files.readString(pidFile).trim());
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        return true;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // unreadable: not a live owner
            }
        }
        return false;
    }

    private String readEnv(String file, String key) {
        Path f = workDir.resolve(file);
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.startsWith(key + "=")) {
                    return line.substring(key.length() + 1).trim();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
        throw new IllegalStateException(f + " has no " + key);
    }

    /** Prints the tail of every service log in the work dir. */
    public void printServiceLogs() {
        List<Path> logs = List.of(
                workDir.resolve("kafka/kafka.out"), workDir.resolve("kafka/kafka.log"),
                workDir.resolve("flink/log/jobmanager.out"), workDir.resolve("flink/log/jobmanager.log"),
                workDir.resolve("flink/log/taskmanager.out"), workDir.resolve("flink/log/taskmanager.log"),
                workDir.resolve("watchdog.log"));
        for (Path log : logs) {
            printTail(log, log.toString().endsWith(".log") ? 80 : 30);
        }
    }

    static void printTail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (all.isEmpty()) {
                return;
            }
            System.out.println("----- last " + Math.min(lines, all.size()) + " lines of " + file + " -----");
            all.subList(Math.max(0, all.size() - lines), all.size()).forEach(System.out::println);
            System.out.println("----- end of " + file.getFileName() + " -----");
        } catch (IOException | UncheckedIOException e) {
            System.out.println("(cannot read " + file + ": " + e + ")");
        }
    }

    private static String setting(String property, String envVar) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(envVar);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static void log(String message) {
        System.out.println("[local-cluster] " + message);
    }
}
