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

    /** What every line of one request carries without being told: its delivery, its run, its conversation. */
    private record Context(String delivery, String run, String conversation) {
        Context over(Context outer) {
            return new Context(delivery != null ? delivery : outer.delivery, run != null ? run : outer.run,
                    conversation != null ? conversation : outer.conversation);
        }
    }

    private static final Context NONE = new Context(null, null, null);
    private static final ThreadLocal<Context> SCOPE = ThreadLocal.withInitial(() -> NONE);

    /** A request's log scope; closing it gives the thread back the scope it had before. */
    public static final class Scope implements AutoCloseable {
        private final Context before;

        private Scope(Context before) {
            this.before = before;
        }

        @Override
        public void close() {
            SCOPE.set(before);
        }
    }

    /**
     * From here until the scope is closed, every line this thread writes carries {@code delivery},
     * {@code run} and {@code conversation} (each when not null, and unless the line names its own), as
     * {@link Metrics#serving} scopes a request's metrics. Set once where they become known: the webhook
     * handler (the delivery), a step or a poll (the run and its conversation).
     */
    public static Scope scope(String delivery, String run, String conversation) {
        Context before = SCOPE.get();
        SCOPE.set(new Context(blankToNull(delivery), blankToNull(run), blankToNull(conversation)).over(before));
        return new Scope(before);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
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
        Context scope = SCOPE.get();
        String d = delivery != null ? delivery : scope.delivery();
        String c = conversation != null ? conversation : scope.conversation();
        if (d != null) {
            line.put("delivery", d);
        }
        if (c != null) {
            line.put("conversation", c);
        }
        if (scope.run() != null) {
            line.put("run", scope.run());
        }
        for (int i = 0; i + 1 < fields.length; i += 2) {
            line.put(String.valueOf(fields[i]), Redaction.apply(String.valueOf(fields[i + 1])));
        }
        out.println(line);
    }
}
