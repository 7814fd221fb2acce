package dev.qabridge.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The bridge's business metrics, written as CloudWatch Embedded Metric Format (EMF): one JSON line per
 * event on the same stream as {@link Log}. In Lambda that is stdout, which CloudWatch Logs receives
 * unchanged (Lambda does not re-encode a line that is already JSON) and turns into metrics in the
 * {@value #NAMESPACE} namespace, dimensioned by {@value #PLATFORM} and the event's own dimensions. No
 * client, no API call, nothing to flush: a metric costs one {@code println}.
 *
 * <p>The metrics the dashboard and alarms read are listed in {@link #DIMENSIONS} with the dimensions
 * each must carry; giving one of them other dimension names, or a dimension name EMF cannot carry, is a
 * programming error and throws {@link IllegalArgumentException}. Values that come from outside (a
 * platform name, a status, a reason) never throw: blank becomes {@code unknown}, anything but printable
 * ASCII becomes {@code ?}, and a value is cut at CloudWatch's 1,024 characters.
 */
public final class Metrics {
    public static final String NAMESPACE = "QaBridge";
    /** The dimension every metric carries: {@code github} or {@code gitlab}. */
    public static final String PLATFORM = "Platform";

    /** A command the bridge will act on (the webhook answered 202). */
    public static final String COMMANDS_ACCEPTED = "CommandsAccepted";
    /** A delivery the bridge looked at and left alone, by {@link #REASON}. */
    public static final String COMMANDS_IGNORED = "CommandsIgnored";
    /** A conversation started with the agent. */
    public static final String RUNS_STARTED = "RunsStarted";
    /** The final word on the PR/MR, by {@link #OUTCOME} and {@link #VERDICT}. */
    public static final String REPLIES = "Replies";
    /** From the command (or deployment) to the final reply. */
    public static final String COMMAND_TO_REPLY_SECONDS = "CommandToReplySeconds";
    /** From the agent's answer being complete to the reply showing it: what a reviewer waits for. */
    public static final String AGENT_TO_REPLY_SECONDS = "AgentToReplySeconds";
    /** How many looks at the conversation one run took (one value per run). */
    public static final String POLLS_PER_RUN = "PollsPerRun";
    /** A failed call to QA.tech, GitHub or GitLab, by {@link #SERVICE} and {@link #STATUS}. */
    public static final String API_ERRORS = "ApiErrors";
    /** A run that ended without any reply on the PR/MR: the business alarm. */
    public static final String RUNS_WITHOUT_REPLY = "RunsWithoutReply";

    public static final String REASON = "Reason";
    public static final String OUTCOME = "Outcome";
    public static final String VERDICT = "Verdict";
    public static final String SERVICE = "Service";
    public static final String STATUS = "Status";

    /** Each metric the dashboard and alarms read, with the dimensions it carries besides {@link #PLATFORM}. */
    public static final Map<String, List<String>> DIMENSIONS = Map.of(
            COMMANDS_ACCEPTED, List.of(),
            COMMANDS_IGNORED, List.of(REASON),
            RUNS_STARTED, List.of(),
            REPLIES, List.of(OUTCOME, VERDICT),
            COMMAND_TO_REPLY_SECONDS, List.of(),
            AGENT_TO_REPLY_SECONDS, List.of(),
            POLLS_PER_RUN, List.of(),
            API_ERRORS, List.of(SERVICE, STATUS),
            RUNS_WITHOUT_REPLY, List.of());

    /** CloudWatch's units (the subset the bridge uses). */
    public enum Unit {
        COUNT("Count"), SECONDS("Seconds");

        private final String cloudWatch;

        Unit(String cloudWatch) {
            this.cloudWatch = cloudWatch;
        }

        public String cloudWatchName() {
            return cloudWatch;
        }
    }

    static final int MAX_DIMENSION_VALUE = 1024;
    private static final int MAX_NAME = 255;
    private static final int MAX_DIMENSIONS = 30;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Metrics() {}

    /** The platform the current thread (and the threads it starts) works for, for metrics emitted far from the run. */
    private static final InheritableThreadLocal<String> SERVING = new InheritableThreadLocal<>();

    /** Until closed, {@link #serving()} answers {@code platform} on this thread. */
    public static Scope serving(String platform) {
        String before = SERVING.get();
        SERVING.set(platform);
        return () -> SERVING.set(before);
    }

    /** The platform set by {@link #serving(String)}; {@code unknown} outside one. */
    public static String serving() {
        String p = SERVING.get();
        return p == null ? "unknown" : p;
    }

    /** A {@link #serving(String)} that closes without an exception. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** One occurrence of {@code name} (value 1, unit Count). */
    public static void count(String name, String platform, Map<String, String> dimensions) {
        count(name, platform, 1, dimensions);
    }

    /** {@code n} occurrences at once, e.g. {@link #POLLS_PER_RUN}. */
    public static void count(String name, String platform, long n, Map<String, String> dimensions) {
        emit(name, Unit.COUNT, n, platform, dimensions);
    }

    /** A duration in seconds (millisecond precision). */
    public static void seconds(String name, String platform, double seconds, Map<String, String> dimensions) {
        if (!Double.isFinite(seconds)) {
            // Not JSON, and not a CloudWatch value: a clock gone wrong must not cost the run its reply.
            Log.warn("metrics.dropped", null, null, "metric", name, "reason", "value is " + seconds);
            return;
        }
        emit(name, Unit.SECONDS, Math.round(seconds * 1000) / 1000.0, platform, dimensions);
    }

    private static void emit(String name, Unit unit, Number value, String platform, Map<String, String> dimensions) {
        Log.stream().println(line(System.currentTimeMillis(), name, unit, value, platform, dimensions));
    }

    /** The EMF document for one metric event. */
    static String line(long timestampMillis, String name, Unit unit, Number value, String platform, Map<String, String> dimensions) {
        Map<String, String> dims = dimensions(name, platform, dimensions);
        ObjectNode line = NODES.objectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", timestampMillis);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode set = directive.putArray("Dimensions").addArray();
        dims.keySet().forEach(set::add);
        directive.putArray("Metrics").addObject().put("Name", name).put("Unit", unit.cloudWatchName());
        dims.forEach(line::put);
        if (value instanceof Long l) {
            line.put(name, l);
        } else {
            line.put(name, value.doubleValue());
        }
        return line.toString();
    }

    /** Platform first, then the event's dimensions by name; checks what a caller wrote, cleans what came from outside. */
    private static Map<String, String> dimensions(String name, String platform, Map<String, String> extra) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME || name.equals("_aws")) {
            throw new IllegalArgumentException("'" + name + "' cannot be an EMF metric name (1 to " + MAX_NAME + " characters, not _aws)");
        }
        List<String> expected = DIMENSIONS.get(name);
        if (expected != null && !Set.copyOf(expected).equals(extra.keySet())) {
            throw new IllegalArgumentException(name + " carries the dimensions " + expected + " (the dashboard and alarms read those), not "
                    + extra.keySet());
        }
        if (extra.size() + 1 > MAX_DIMENSIONS) {
            throw new IllegalArgumentException(name + " has " + (extra.size() + 1) + " dimensions; EMF allows " + MAX_DIMENSIONS);
        }
        Map<String, String> dims = new LinkedHashMap<>();
        dims.put(PLATFORM, clean(platform));
        for (Map.Entry<String, String> d : new TreeMap<>(extra).entrySet()) {
            String key = d.getKey();
            if (key.isBlank() || key.length() > MAX_NAME || key.startsWith(":") || key.equals("_aws") || key.equals(PLATFORM)
                    || key.equals(name) || !printableAscii(key)) {
                throw new IllegalArgumentException("'" + key + "' cannot be a dimension of " + name);
            }
            dims.put(key, clean(d.getValue()));
        }
        return dims;
    }

    private static String clean(String value) {
        if (value == null || value.isBlank()) {
            return "unknown";
        }
        StringBuilder b = new StringBuilder(Math.min(value.length(), MAX_DIMENSION_VALUE));
        for (int i = 0; i < value.length() && b.length() < MAX_DIMENSION_VALUE; i++) {
            char c = value.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    private static boolean printableAscii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }
}
