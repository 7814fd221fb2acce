package dev.qabridge.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every line {@link Metrics} writes is an EMF document CloudWatch accepts: checked here against the
 * rules of CloudWatch's "Specification: Embedded metric format" ({@link #assertValidEmf}).
 */
class MetricsTest {
    /** CloudWatch's metric units (MetricDatum.Unit). */
    private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes",
            "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
            "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
            "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        Log.redirect(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        Log.redirect(System.out);
    }

    @Test
    void aCountIsOneEmfLineWithThePlatformAndTheEventsDimensions() throws Exception {
        long before = System.currentTimeMillis();
        Metrics.count(Metrics.COMMANDS_IGNORED, "github", Map.of(Metrics.REASON, "edited"));

        JsonNode line = onlyLine();
        assertValidEmf(line);
        assertThat(line.path("_aws").path("Timestamp").asLong()).isBetween(before, System.currentTimeMillis());
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("QaBridge");
        assertThat(strings(directive.path("Dimensions").get(0))).containsExactly("Platform", "Reason");
        assertThat(directive.path("Metrics").get(0).path("Name").asText()).isEqualTo("CommandsIgnored");
        assertThat(directive.path("Metrics").get(0).path("Unit").asText()).isEqualTo("Count");
        assertThat(line.path("Platform").asText()).isEqualTo("github");
        assertThat(line.path("Reason").asText()).isEqualTo("edited");
        assertThat(line.path("CommandsIgnored").isIntegralNumber()).isTrue();
        assertThat(line.path("CommandsIgnored").asLong()).isEqualTo(1);
    }

    @Test
    void secondsCarryTheValueToTheMillisecond() throws Exception {
        Metrics.seconds(Metrics.AGENT_TO_REPLY_SECONDS, "gitlab", 4.20049, Map.of());

        JsonNode line = onlyLine();
        assertValidEmf(line);
        assertThat(line.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").get(0).path("Unit").asText()).isEqualTo("Seconds");
        assertThat(line.path("AgentToReplySeconds").isNumber()).isTrue();
        assertThat(line.path("AgentToReplySeconds").asDouble()).isEqualTo(4.2);
        assertThat(strings(line.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").get(0))).containsExactly("Platform");
    }

    @Test
    void pollsPerRunCountsSeveralAtOnce() throws Exception {
        Metrics.count(Metrics.POLLS_PER_RUN, "github", 7, Map.of());

        JsonNode line = onlyLine();
        assertValidEmf(line);
        assertThat(line.path("PollsPerRun").asLong()).isEqualTo(7);
    }

    @Test
    void everyMetricTheDashboardReadsMakesAValidLineWithItsDimensions() throws Exception {
        for (Map.Entry<String, List<String>> metric : Metrics.DIMENSIONS.entrySet()) {
            Map<String, String> dims = new HashMap<>();
            metric.getValue().forEach(d -> dims.put(d, "x"));
            if (metric.getKey().endsWith("Seconds")) {
                Metrics.seconds(metric.getKey(), "github", 1.5, dims);
            } else {
                Metrics.count(metric.getKey(), "github", dims);
            }
        }
        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(Metrics.DIMENSIONS.size());
        for (JsonNode line : lines) {
            assertValidEmf(line);
            JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
            String name = directive.path("Metrics").get(0).path("Name").asText();
            List<String> expected = new ArrayList<>(List.of(Metrics.PLATFORM));
            expected.addAll(Metrics.DIMENSIONS.get(name).stream().sorted().toList());
            assertThat(strings(directive.path("Dimensions").get(0))).as(name).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void repliesCarryOutcomeAndVerdict() throws Exception {
        Metrics.count(Metrics.REPLIES, "github", Map.of(Metrics.VERDICT, "PASS", Metrics.OUTCOME, "COMPLETED"));

        JsonNode line = onlyLine();
        assertValidEmf(line);
        assertThat(strings(line.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").get(0)))
                .containsExactly("Platform", "Outcome", "Verdict");
        assertThat(line.path("Outcome").asText()).isEqualTo("COMPLETED");
        assertThat(line.path("Verdict").asText()).isEqualTo("PASS");
    }

    @Test
    void valuesFromOutsideAreCleanedNotRefused() throws Exception {
        Metrics.count(Metrics.API_ERRORS, "  ", Map.of(Metrics.SERVICE, "qatech\n\u00e9", Metrics.STATUS, "5".repeat(2000)));

        JsonNode line = onlyLine();
        assertValidEmf(line);
        assertThat(line.path("Platform").asText()).isEqualTo("unknown");
        assertThat(line.path("Service").asText()).isEqualTo("qatech??");
        assertThat(line.path("Status").asText()).hasSize(Metrics.MAX_DIMENSION_VALUE);
    }

    @Test
    void aValueThatIsNotANumberIsDroppedWithAWarning() throws Exception {
        Metrics.seconds(Metrics.COMMAND_TO_REPLY_SECONDS, "github", Double.NaN, Map.of());

        JsonNode line = onlyLine();
        assertThat(line.has("_aws")).isFalse();
        assertThat(line.path("step").asText()).isEqualTo("metrics.dropped");
        assertThat(line.path("metric").asText()).isEqualTo("CommandToReplySeconds");
    }

    @Test
    void aDimensionSetTheDashboardDoesNotReadIsAProgrammingError() {
        assertThatThrownBy(() -> Metrics.count(Metrics.COMMANDS_IGNORED, "github", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[Reason]");
        assertThatThrownBy(() -> Metrics.count(Metrics.RUNS_STARTED, "github", Map.of("Repository", "acme/shop")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(out.size()).isZero();
    }

    @Test
    void dimensionNamesThatWouldBreakTheDocumentAreRefused() {
        for (String bad : List.of("_aws", "Platform", ":colon", " ", "Caf\u00e9")) {
            assertThatThrownBy(() -> Metrics.count("AdHoc", "github", Map.of(bad, "x"))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Metrics.count("AdHoc", "github", Map.of("AdHoc", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Metrics.count(" ", "github", Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void metricLinesGoWhereLogLinesGo() throws Exception {
        Log.info("run.started", "d1", "c1");
        Metrics.count(Metrics.RUNS_STARTED, "github", Map.of());

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).path("step").asText()).isEqualTo("run.started");
        assertValidEmf(lines.get(1));
    }

    private JsonNode onlyLine() throws Exception {
        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!l.isBlank()) {
                lines.add(JSON.readTree(l));
            }
        }
        return lines;
    }

    private static List<String> strings(JsonNode array) {
        List<String> all = new ArrayList<>();
        array.forEach(n -> all.add(n.asText()));
        return all;
    }

    /**
     * What CloudWatch requires of an EMF document: an {@code _aws} object with a millisecond
     * {@code Timestamp} and {@code CloudWatchMetrics} directives; each directive only {@code Namespace}
     * (1–255 characters), {@code Dimensions} (arrays of at most 30 names) and {@code Metrics} (at most 100
     * {@code {Name, Unit}}); every dimension name a root member holding a non-blank string of printable
     * ASCII up to 1,024 characters; every metric name a root member holding a number; units from
     * CloudWatch's list.
     */
    static void assertValidEmf(JsonNode line) {
        assertThat(line.isObject()).as("an EMF document is one JSON object").isTrue();
        JsonNode aws = line.path("_aws");
        assertThat(aws.isObject()).as("_aws").isTrue();
        assertThat(aws.path("Timestamp").isIntegralNumber()).as("_aws.Timestamp is epoch milliseconds").isTrue();
        assertThat(aws.path("Timestamp").asLong()).isGreaterThan(1_600_000_000_000L);
        assertThat(aws.path("CloudWatchMetrics").isArray()).isTrue();
        assertThat(aws.path("CloudWatchMetrics")).isNotEmpty();
        for (JsonNode directive : aws.path("CloudWatchMetrics")) {
            assertThat(fieldNames(directive)).as("a MetricDirective has no other members")
                    .isSubsetOf("Namespace", "Dimensions", "Metrics");
            assertThat(directive.path("Namespace").asText()).hasSizeBetween(1, 255);
            assertThat(directive.path("Dimensions").isArray()).isTrue();
            for (JsonNode set : directive.path("Dimensions")) {
                assertThat(set.isArray()).isTrue();
                assertThat(set.size()).isBetween(1, 30);
                for (JsonNode key : set) {
                    assertThat(key.isTextual()).isTrue();
                    JsonNode value = line.path(key.asText());
                    assertThat(value.isTextual()).as("dimension %s is a string member of the root", key).isTrue();
                    assertThat(value.asText()).isNotBlank().hasSizeLessThanOrEqualTo(1024)
                            .matches("[\\x20-\\x7e]+");
                }
            }
            assertThat(directive.path("Metrics").isArray()).isTrue();
            assertThat(directive.path("Metrics").size()).isBetween(1, 100);
            for (JsonNode metric : directive.path("Metrics")) {
                assertThat(fieldNames(metric)).isSubsetOf("Name", "Unit", "StorageResolution");
                String name = metric.path("Name").asText();
                assertThat(name).hasSizeBetween(1, 255);
                assertThat(line.path(name).isNumber()).as("metric %s is a number member of the root", name).isTrue();
                assertThat(UNITS).contains(metric.path("Unit").asText());
            }
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
