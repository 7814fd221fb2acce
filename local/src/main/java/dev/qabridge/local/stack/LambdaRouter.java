package dev.qabridge.local.stack;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.qabridge.http.JsonHttp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Lambda Invoke endpoint moto's Task states call (through {@code MOTO_PORT}): it runs the named
 * handler in-process and answers the way Lambda does, errors included. Anything else is passed on
 * to moto unchanged, so direct service integrations still work. The same split as
 * {@code sam local start-lambda}, without containers.
 */
public final class LambdaRouter implements AutoCloseable {
    private static final String INVOKE = "/2015-03-31/functions/";
    private static final Set<String> HOP_HEADERS = Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding");

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lambda-router");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, RequestStreamHandler> functions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> invocations = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile String motoEndpoint = "";
    /**
     * A fault for the end-to-end tests: service calls whose body contains one of these texts reach moto,
     * and then their answer is lost (the caller hears 500), as when a network drops DynamoDB's answer to
     * a write that was applied. Each text loses one answer.
     */
    private final java.util.List<String> answersToLose = new java.util.concurrent.CopyOnWriteArrayList<>();

    LambdaRouter(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(pool);
        server.createContext("/", this::route);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void forwardTo(String endpoint) {
        this.motoEndpoint = endpoint;
    }

    void register(String function, RequestStreamHandler handler) {
        functions.put(function, handler);
        invocations.put(function, new AtomicLong());
    }

    /** The next service call whose body contains {@code text} is applied, and its answer lost. */
    public void loseAnswerTo(String text) {
        answersToLose.add(text);
    }

    /** How many answers {@link #loseAnswerTo} has lost so far. */
    public long answersLost() {
        return answersLost.get();
    }

    private final AtomicLong answersLost = new AtomicLong();

    RequestStreamHandler function(String name) {
        return functions.get(name);
    }

    long invocations(String function) {
        return invocations.getOrDefault(function, new AtomicLong()).get();
    }

    private void route(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getRawPath();
            byte[] body = x.getRequestBody().readAllBytes();
            if (x.getRequestMethod().equals("POST") && path.startsWith(INVOKE) && path.endsWith("/invocations")) {
                invoke(x, functionName(path), body);
            } else {
                forward(x, body);
            }
        }
    }

    /** {@code arn:aws:lambda:…:function:PollerFunction[:alias]} or a bare name → {@code PollerFunction}. */
    static String functionName(String path) {
        String raw = URLDecoder.decode(path.substring(INVOKE.length(), path.length() - "/invocations".length()), StandardCharsets.UTF_8);
        int at = raw.indexOf(":function:");
        String name = at < 0 ? raw : raw.substring(at + ":function:".length());
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    private void invoke(HttpExchange x, String function, byte[] payload) throws IOException {
        RequestStreamHandler handler = functions.get(function);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.getResponseHeaders().add("X-Amz-Executed-Version", "$LATEST");
        if (handler == null) {
            send(x, 404, ("{\"Type\":\"User\",\"message\":\"Function not found: " + function + "\"}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        invocations.get(function).incrementAndGet();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(payload), out, new LocalContext(function));
            send(x, 200, out.toByteArray());
        } catch (Exception e) {
            // What the Java runtime reports for an unhandled exception: its class name and message.
            ObjectNode error = JsonHttp.JSON.createObjectNode();
            error.put("errorType", e.getClass().getName());
            error.put("errorMessage", String.valueOf(e.getMessage()));
            x.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
            send(x, 200, error.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private void forward(HttpExchange x, byte[] body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(motoEndpoint + x.getRequestURI()))
                .method(x.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        x.getRequestHeaders().forEach((k, vs) -> {
            if (!HOP_HEADERS.contains(k.toLowerCase())) {
                vs.forEach(v -> b.header(k, v));
            }
        });
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            String text = new String(body, StandardCharsets.UTF_8);
            java.util.Optional<String> lose = answersToLose.stream().filter(text::contains).findFirst();
            if (lose.isPresent() && answersToLose.remove(lose.get())) {
                answersLost.incrementAndGet();
                x.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                x.getResponseHeaders().add("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
                send(x, 500, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"the answer was lost\"}"
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            r.headers().map().forEach((k, vs) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase()) && !k.startsWith(":")) {
                    vs.forEach(v -> x.getResponseHeaders().add(k, v));
                }
            });
            send(x, r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(x, 502, new byte[0]);
        }
    }

    private static void send(HttpExchange x, int status, byte[] body) throws IOException {
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
