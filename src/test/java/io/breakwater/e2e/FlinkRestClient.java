package io.breakwater.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** The Flink REST calls a user makes to submit and manage a job jar; plain java.net.http and Jackson. */
final class FlinkRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    FlinkRestClient(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), path);
    }

    /** POST /jars/upload with the multipart field {@code jarfile}; returns the jar id for /jars/:id/run. */
    String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "----breakwater-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofByteArray(head),
                HttpRequest.BodyPublishers.ofFile(jar),
                HttpRequest.BodyPublishers.ofByteArray(tail));
        JsonNode r = send(HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofSeconds(120))
                .POST(body), "/jars/upload");
        if (!"success".equals(r.path("status").asText())) {
            throw new IOException("jar upload failed: " + r);
        }
        String filename = r.path("filename").asText();
        return filename.substring(filename.lastIndexOf('/') + 1);
    }

    /** POST /jars/:id/run; returns the job id. */
    String runJar(String jarId, String entryClass, List<String> args, int parallelism)
            throws IOException, InterruptedException {
        ObjectNode req = JSON.createObjectNode();
        req.put("entryClass", entryClass);
        req.putArray("programArgsList").addAll(args.stream().map(JSON.getNodeFactory()::textNode).toList());
        req.put("parallelism", parallelism);
        JsonNode r = send(HttpRequest.newBuilder(URI.create(base + "/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(180))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(req))), "/jars/:id/run");
        String jobId = r.path("jobid").asText(null);
        if (jobId == null) {
            throw new IOException("no jobid in the run response: " + r);
        }
        return jobId;
    }

    /** The job's state as GET /jobs/overview lists it, or null when it is not listed. */
    String jobState(String jobId) throws IOException, InterruptedException {
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            if (jobId.equals(job.path("jid").asText())) {
                return job.path("state").asText();
            }
        }
        return null;
    }

    /** True when the job and every one of its vertices are RUNNING. */
    boolean allTasksRunning(String jobId) throws IOException, InterruptedException {
        JsonNode job = get("/jobs/" + jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return job.path("vertices").size() > 0;
    }

    /** PATCH /jobs/:id?mode=cancel. */
    void cancel(String jobId) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()), "PATCH /jobs/:id");
    }

    private JsonNode send(HttpRequest.Builder request, String what) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                request.timeout(Duration.ofSeconds(180)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(what + " answered HTTP " + response.statusCode() + ": " + response.body());
        }
        String body = response.body();
        return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    }
}
