package org.fbnet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven from a test through the Chrome DevTools Protocol, over the JDK's own
 * HTTP and WebSocket clients: opens a page, evaluates JavaScript in it, collects the script errors it
 * raised and takes a full-page screenshot. For the tests tagged {@value #TAG} only (the {@code browser}
 * Maven profile; .ci/run installs the {@code chromium} package).
 * <p>Each instance runs its own browser process with a fresh profile directory, no network services
 * (sync, component updates, QUIC) and the DevTools port picked by the browser, read back from the
 * {@code DevToolsActivePort} file it writes into the profile. The binary comes from the
 * {@code fbnet.chromium} system property (default {@code /usr/bin/chromium}).
 * <p>Waits are bounded so that a hung browser fails the test instead of hanging the build; they are
 * guards, not timing assertions.
 */
public final class Chromium implements AutoCloseable {
    /** The JUnit tag of the tests that need a browser; surefire excludes it unless -Pbrowser. */
    public static final String TAG = "browser";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_SECONDS = 120;
    /** Installed before any script of a page runs: counts what window.onerror sees, with the messages. */
    private static final String ERROR_COUNTER = "window.__fbnetErrors = [];"
            + "window.addEventListener('error', function (e) { window.__fbnetErrors.push(String(e.message || e.type)); }, true);"
            + "window.addEventListener('unhandledrejection', function (e) { window.__fbnetErrors.push('unhandled rejection: ' + e.reason); });";

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> awaited = new ConcurrentHashMap<>();
    private final List<String> exceptions = Collections.synchronizedList(new ArrayList<>());
    private final List<String> consoleErrors = Collections.synchronizedList(new ArrayList<>());

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    public static Path binary() {
        return Path.of(System.getProperty("fbnet.chromium", "/usr/bin/chromium"));
    }

    /** Starts a headless browser on an empty page, with its profile in a new directory under {@code work}. */
    public static Chromium start(Path work) throws IOException, InterruptedException {
        Path bin = binary();
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException(bin + " is not installed: the tests tagged '" + TAG + "' need Debian's chromium "
                    + "(apt-get install chromium; .ci/run does) or -Dfbnet.chromium=PATH; the default test run leaves them out");
        }
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        ProcessBuilder pb = new ProcessBuilder(bin.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--window-size=1280,900", "about:blank");
        pb.redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile());
        Process p = pb.start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (!(Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2)) {
                if (!p.isAlive()) throw new IOException(bin + " exited with " + p.exitValue() + ": " + log(profile));
                if (System.nanoTime() > deadline) throw new IOException(bin + " wrote no DevTools port in " + WAIT_SECONDS + " s: " + log(profile));
                Thread.sleep(50);
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String page = null;
            for (JsonNode t : targets) if ("page".equals(t.path("type").asText())) page = t.path("webSocketDebuggerUrl").asText();
            if (page == null) throw new IOException(bin + " has no page target: " + targets);
            Chromium[] self = new Chromium[1];
            Listener listener = new Listener(self);
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(page), listener).get(WAIT_SECONDS, TimeUnit.SECONDS);
            self[0] = new Chromium(p, profile, ws);
            return self[0];
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("cannot connect to " + bin + ": " + e, e);
        }
    }

    private static String log(Path profile) {
        try {
            return Files.readString(profile.resolve("chromium.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Sends one DevTools command and waits for its result. */
    public JsonNode send(String method, Map<String, ?> params) throws IOException {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", JSON.valueToTree(params));
        socket.sendText(msg.toString(), true).join();
        return await(f, method);
    }

    private static JsonNode await(CompletableFuture<JsonNode> f, String what) throws IOException {
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(what + ": no answer from the browser in " + WAIT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        }
    }

    /** Opens a URL in the page and returns once its load event fired (every image loaded or failed). */
    public void open(URI url) throws IOException {
        send("Page.enable", Map.of());
        send("Runtime.enable", Map.of());
        send("Log.enable", Map.of());
        send("Page.addScriptToEvaluateOnNewDocument", Map.of("source", ERROR_COUNTER));
        CompletableFuture<JsonNode> loaded = new CompletableFuture<>();
        awaited.put("Page.loadEventFired", loaded);
        JsonNode nav = send("Page.navigate", Map.of("url", url.toString()));
        if (nav.hasNonNull("errorText")) throw new IOException(url + ": " + nav.get("errorText").asText());
        await(loaded, "loading " + url);
    }

    /** Evaluates an expression in the page and returns its value (a JSON value; promises are awaited). */
    public JsonNode evaluate(String expression) throws IOException {
        JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) throw new IOException("evaluating " + expression + ": " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /**
     * The page's script errors: uncaught exceptions the DevTools protocol reported, errors window.onerror saw
     * (also resource load errors) and console.error calls.
     */
    public List<String> scriptErrors() throws IOException {
        List<String> all = new ArrayList<>(exceptions);
        for (JsonNode e : evaluate("window.__fbnetErrors || ['the error counter was not installed']")) all.add("onerror: " + e.asText());
        all.addAll(consoleErrors);
        return all;
    }

    /** Writes a PNG of the whole page (beyond the window) at CSS pixel size. */
    public void screenshot(Path png) throws IOException {
        JsonNode size = send("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", size.path("width").asDouble(), "height", size.path("height").asDouble(),
                "scale", 1);
        JsonNode shot = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
    }

    @Override
    public void close() throws IOException {
        try {
            try {
                socket.sendText("{\"id\":0,\"method\":\"Browser.close\"}", true).get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the process is stopped below either way
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            try (Stream<Path> walk = Files.walk(profile)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private void onMessage(JsonNode msg) {
        if (msg.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
            if (f == null) return;
            if (msg.has("error")) f.completeExceptionally(new IOException(msg.get("error").toString()));
            else f.complete(msg.path("result"));
            return;
        }
        String method = msg.path("method").asText();
        JsonNode params = msg.path("params");
        switch (method) {
            case "Runtime.exceptionThrown" -> {
                JsonNode d = params.path("exceptionDetails");
                exceptions.add("exception: " + d.path("text").asText() + " " + d.path("exception").path("description").asText()
                        + " at line " + d.path("lineNumber").asInt());
            }
            case "Runtime.consoleAPICalled" -> {
                if ("error".equals(params.path("type").asText())) consoleErrors.add("console.error: " + params.path("args"));
            }
            case "Log.entryAdded" -> {
                JsonNode e = params.path("entry");
                if ("error".equals(e.path("level").asText())) consoleErrors.add("log: " + e.path("text").asText() + " " + e.path("url").asText());
            }
            default -> {
                CompletableFuture<JsonNode> f = awaited.remove(method);
                if (f != null) f.complete(params);
            }
        }
    }

    /** Reassembles fragmented text frames (screenshots arrive in many) into messages. */
    private static final class Listener implements WebSocket.Listener {
        private final Chromium[] owner;
        private final StringBuilder buffer = new StringBuilder();

        Listener(Chromium[] owner) { this.owner = owner; }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                String text = buffer.toString();
                buffer.setLength(0);
                try {
                    if (owner[0] != null) owner[0].onMessage(JSON.readTree(text));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            ws.request(1);
            return null;
        }
    }
}
