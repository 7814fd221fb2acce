package dev.qabridge.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Instant;

/**
 * One structured JSON line per step, carrying the delivery id and the conversation id, so that one
 * delivery or one run can be followed through CloudWatch (or the local stack's output). Never give
 * it bodies, tokens or secrets; every field value also passes through {@link Redaction}, so a secret
 * inside an API's error message never reaches the log.
 */
public final class Log {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile PrintStream out = System.out;

    private Log() {}

    /** The local stack may send these lines elsewhere (e.g. to stderr, keeping stdout for people). */
    public static void redirect(PrintStream stream) {
        out = stream;
    }

    /**
     * Runs {@code work} with every log and metric line discarded, then writes where it wrote before. For
     * SnapStart priming only, which runs the request paths on made-up input before the snapshot: its lines
     * would read as real deliveries in CloudWatch. Not for use while requests are served (it mutes every thread).
     */
    public static void discarding(Runnable work) {
        PrintStream before = out;
        out = new PrintStream(OutputStream.nullOutputStream());
        try {
            work.run();
        } finally {
            out = before;
        }
    }

    /** Where lines go now; {@link Metrics} writes its EMF lines to the same stream, so a redirect moves both. */
    static PrintStream stream() {
        return out;
    }

    public static void info(String step, String delivery, String conversation, Object... fields) {
        write("INFO", step, delivery, conversation, fields);
    }

    public static void warn(String step, String delivery, String conversation, Object... fields) {
        write("WARN", step, delivery, conversation, fields);
    }

    private static void write(String level, String step, String delivery, String conversation, Object... fields) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("level", level);
        line.put("step", step);
        if (delivery != null) {
            line.put("delivery", delivery);
        }
        if (conversation != null) {
            line.put("conversation", conversation);
        }
        for (int i = 0; i + 1 < fields.length; i += 2) {
            line.put(String.valueOf(fields[i]), Redaction.apply(String.valueOf(fields[i + 1])));
        }
        out.println(line);
    }
}
