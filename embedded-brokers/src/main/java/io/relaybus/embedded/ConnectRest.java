package io.relaybus.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A minimal client of the Kafka Connect REST API, for an {@link EmbeddedConnect} worker or an external Connect
 * cluster: list plugins, create a connector and wait until it and all its tasks run, delete it.
 *
 * <p>It reads only the few fields it needs from the responses (states, plugin classes, the version), with Jackson;
 * callers that want more parse {@link #request}'s body themselves.
 *
 * <p>Immutable and thread-safe; it holds no connection between calls.
 */
public final class ConnectRest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;

    /** @param baseUrl the worker's REST listener, e.g. {@code http://127.0.0.1:8083} (a trailing / is ignored) */
    public ConnectRest(String baseUrl) {
        String url = Objects.requireNonNull(baseUrl, "baseUrl").trim();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * One request; {@code jsonBody} may be null. Never throws for an HTTP error status: the caller reads it.
     *
     * @throws IOException when the worker cannot be reached (not listening yet, or gone)
     */
    public HttpResponse<String> request(String method, String path, String jsonBody) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling " + method + " " + baseUrl + path, e);
        }
    }

    /** The worker's Kafka version, from {@code GET /}; "unknown" when it does not say. */
    public String workerVersion() throws IOException {
        HttpResponse<String> r = request("GET", "/", null);
        return r.statusCode() == 200 ? parse(r.body()).path("version").asText("unknown") : "unknown";
    }

    /** The classes {@code GET /connector-plugins} lists (connectors only, as the worker reports them). */
    public List<String> connectorPlugins() throws IOException {
        HttpResponse<String> r = request("GET", "/connector-plugins", null);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + baseUrl + "/connector-plugins answered " + r.statusCode()
                    + ": " + r.body());
        }
        return pluginClasses(r.body());
    }

    static List<String> pluginClasses(String body) {
        List<String> classes = new ArrayList<>();
        for (JsonNode plugin : parse(body)) {
            if (plugin.hasNonNull("class")) {
                classes.add(plugin.get("class").asText());
            }
        }
        return classes;
    }

    /**
     * {@code PUT /connectors/{name}/config} (creates or updates), then waits until the connector and every task are
     * RUNNING.
     *
     * @throws IllegalStateException when the worker rejects the config (the message has its answer, which names the
     *                               invalid keys), a task fails (with its trace), or it is not running in time
     */
    public void createConnector(String name, Map<String, String> config, Duration timeout) throws IOException {
        HttpResponse<String> r = request("PUT", "/connectors/" + name + "/config", json(config));
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("creating connector " + name + " on " + baseUrl + " failed: "
                    + r.statusCode() + " " + r.body());
        }
        awaitRunning(name, timeout);
    }

    /** Waits until the connector and all its (at least one) tasks report RUNNING. */
    public void awaitRunning(String name, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = request("GET", "/connectors/" + name + "/status", null);
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200) {
                Status s = status(r.body());
                if (s.tasks.contains("FAILED") || "FAILED".equals(s.connector)) {
                    throw new IllegalStateException("connector " + name + " failed: " + r.body());
                }
                if ("RUNNING".equals(s.connector) && !s.tasks.isEmpty()
                        && s.tasks.stream().allMatch("RUNNING"::equals)) {
                    return;
                }
            }
            ProcessSupport.sleep(200);
        }
        throw new IllegalStateException("connector " + name + " not running after " + timeout.toSeconds()
                + " s; last status: " + last);
    }

    /** {@code DELETE /connectors/{name}}; a connector that does not exist is not an error. */
    public void deleteConnector(String name) throws IOException {
        HttpResponse<String> r = request("DELETE", "/connectors/" + name, null);
        if (r.statusCode() / 100 != 2 && r.statusCode() != 404) {
            throw new IllegalStateException("deleting connector " + name + " on " + baseUrl + " failed: "
                    + r.statusCode() + " " + r.body());
        }
    }

    /** The connector's state and its tasks' states, read from a status body. */
    record Status(String connector, List<String> tasks) {
    }

    static Status status(String body) {
        JsonNode root = parse(body);
        JsonNode connector = root.path("connector").path("state");
        List<String> tasks = new ArrayList<>();
        for (JsonNode task : root.path("tasks")) {
            tasks.add(task.path("state").asText(null));
        }
        return new Status(connector.isTextual() ? connector.asText() : null, tasks);
    }

    /** A JSON object of string values. */
    static String json(Map<String, String> map) {
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + map.keySet() + " as JSON", e);
        }
    }

    /** A worker's answer; one that is not JSON (a proxy's error page) is reported with its text. */
    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the Connect worker's answer is not JSON: " + body, e);
        }
    }
}
