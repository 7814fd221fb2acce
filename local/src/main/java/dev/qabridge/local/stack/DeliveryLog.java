package dev.qabridge.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.qabridge.core.Log;
import dev.qabridge.http.JsonHttp;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The local stack's memory of the bridge's recent log lines, so that {@code ./qa-bridge replay}, which
 * runs in another process, can show why a delivery failed: the webhook answers a 5xx with the
 * exception's class only (the cause, e.g. "GitHub answered 401: Bad credentials", may carry details
 * that do not belong in an HTTP answer), and logs the cause under the delivery id. The front door serves
 * a delivery's lines at {@code GET /local/deliveries/{id}}.
 *
 * <p>{@link #sendTo(PrintStream)} points {@link Log} at a stream that keeps the newest {@value #KEPT}
 * lines and passes every line on to that destination. {@code ./qa-bridge local} and the demo install it;
 * where no one did (or someone called {@link Log#redirect} since), the lookup finds nothing.
 */
public final class DeliveryLog {
    static final int KEPT = 2000;

    private static final Deque<String> LINES = new ArrayDeque<>();
    private static volatile PrintStream destination = System.out;
    private static final PrintStream TEE = new PrintStream(OutputStream.nullOutputStream(), true) {
        @Override
        public void println(Object line) {
            println(String.valueOf(line));
        }

        @Override
        public void println(String line) {
            synchronized (LINES) {
                LINES.addLast(line);
                if (LINES.size() > KEPT) {
                    LINES.removeFirst();
                }
            }
            destination.println(line);
        }
    };

    private DeliveryLog() {}

    /** From now on the bridge's log lines are kept here and written to {@code stream}. */
    public static void sendTo(PrintStream stream) {
        destination = stream;
        Log.redirect(TEE);
    }

    /** The kept lines that carry {@code delivery} as their delivery id, oldest first. */
    static ArrayNode lines(String delivery) {
        ArrayNode found = JsonHttp.JSON.createArrayNode();
        String needle = "\"delivery\":" + JsonHttp.JSON.getNodeFactory().textNode(delivery);
        synchronized (LINES) {
            for (String line : LINES) {
                if (!line.contains(needle)) {
                    continue;
                }
                try {
                    found.add(JsonHttp.JSON.readTree(line));
                } catch (Exception notJson) {
                    // only the bridge's JSON lines are kept
                }
            }
        }
        return found;
    }

    /**
     * Why a delivery failed, as its log lines tell: the message of its {@code webhook.failed} line
     * (the exception's message, e.g. "GitHub answered 401: Bad credentials"), else of its last
     * warning; empty when no such line is kept.
     */
    public static java.util.Optional<String> cause(JsonNode lines) {
        String cause = null;
        for (JsonNode line : lines) {
            if (line.path("level").asText().equals("WARN") && line.hasNonNull("message")) {
                cause = line.path("message").asText();
                if (line.path("step").asText().equals("webhook.failed")) {
                    break;
                }
            }
        }
        return java.util.Optional.ofNullable(cause);
    }
}
