package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.Metrics;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code template.yaml} promises an operator, read from the template itself: log groups with a
 * retention for everything that logs, alarms exactly when a topic is given, throttling and reserved
 * concurrency at the edge, a table that survives the stack, the state machine's logging and its
 * execution-wide timeout against the longest run deadline, and a dashboard that shows every metric the
 * bridge emits. Conditions are evaluated here the way CloudFormation would, from parameter values.
 */
class TemplateTest {
    private static final Path ROOT = LocalStack.root();
    private static final Map<String, Object> TEMPLATE = readTemplate(ROOT.resolve("template.yaml"));
    private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:qa-bridge-alarms";
    /** What the timeout reply may take after the run's deadline: the last look, the reply and its retries. */
    private static final int DEADLINE_TO_REPLY_MARGIN_SECONDS = 3600;

    @Test
    void everyFunctionLogsToItsOwnLogGroupNamedAfterItWithTheRetentionParameter() {
        Map<String, Map<String, Object>> functions = resourcesOfType("AWS::Serverless::Function", Map.of());
        assertThat(functions).containsOnlyKeys("WebhookFunction", "PollerFunction", "ActionsFunction");
        for (Map.Entry<String, Map<String, Object>> f : functions.entrySet()) {
            Map<String, Object> props = props(f.getValue());
            String logGroup = ref(map(props.get("LoggingConfig")).get("LogGroup"));
            Map<String, Object> group = resource(logGroup);
            assertThat(group.get("Type")).as(f.getKey()).isEqualTo("AWS::Logs::LogGroup");
            assertThat(ref(props(group).get("RetentionInDays"))).as(f.getKey()).isEqualTo("LogRetentionDays");
            assertThat(sub(props(group).get("LogGroupName"))).as("Lambda's own name for %s's log group", f.getKey())
                    .isEqualTo("/aws/lambda/" + sub(props.get("FunctionName")));
        }
        assertThat(map(global("LoggingConfig")).get("LogFormat")).isEqualTo("JSON");
    }

    @Test
    void everyLogGroupExpiresAfterLogRetentionDays() {
        Map<String, Object> retention = parameter("LogRetentionDays");
        assertThat(retention.get("Default")).isEqualTo(30);
        assertThat(retention.get("AllowedValues")).isEqualTo(List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
                1096, 1827, 2192, 2557, 2922, 3288, 3653));
        Map<String, Map<String, Object>> groups = resourcesOfType("AWS::Logs::LogGroup", Map.of());
        assertThat(groups).containsOnlyKeys("WebhookLogGroup", "PollerLogGroup", "ActionsLogGroup", "StateMachineLogGroup",
                "WebhookApiAccessLogGroup");
        groups.forEach((name, group) -> assertThat(ref(props(group).get("RetentionInDays"))).as(name).isEqualTo("LogRetentionDays"));
    }

    @Test
    void theStateMachineLogsOnlyErrorsAndNoExecutionData() {
        Map<String, Object> logging = map(props(resource("QaBridgeStateMachine")).get("Logging"));
        assertThat(logging.get("Level")).isEqualTo("ERROR");
        assertThat(logging.get("IncludeExecutionData")).isEqualTo(false);
        Object destination = map(map(list(logging.get("Destinations")).get(0)).get("CloudWatchLogsLogGroup")).get("LogGroupArn");
        assertThat(map(destination).get("Fn::GetAtt")).isEqualTo(List.of("StateMachineLogGroup", "Arn"));
    }

    @Test
    void alarmsExistWhenATopicIsGivenAndNotOtherwise() {
        assertThat(resourcesOfType("AWS::CloudWatch::Alarm", Map.of())).isEmpty();
        assertThat(parameter("AlarmTopicArn").get("Default")).isEqualTo("");

        Map<String, Map<String, Object>> alarms = resourcesOfType("AWS::CloudWatch::Alarm", Map.of("AlarmTopicArn", TOPIC));
        List<String> watched = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> alarm : alarms.entrySet()) {
            Map<String, Object> p = props(alarm.getValue());
            assertThat(p.get("AlarmActions")).as(alarm.getKey()).isEqualTo(List.of(Map.of("Ref", "AlarmTopicArn")));
            assertThat(p.get("OKActions")).as(alarm.getKey()).isEqualTo(List.of(Map.of("Ref", "AlarmTopicArn")));
            assertThat(p.get("TreatMissingData")).as(alarm.getKey()).isEqualTo("notBreaching");
            assertThat((String) p.get("AlarmDescription")).as("%s says what it means and what to do first", alarm.getKey())
                    .hasSizeGreaterThan(150).contains("First:");
            watched.add(watches(p));
        }
        assertThat(watched).containsExactlyInAnyOrder(
                "AWS/States ExecutionsFailed StateMachineArn=QaBridgeStateMachine",
                "AWS/States ExecutionsTimedOut StateMachineArn=QaBridgeStateMachine",
                "AWS/Lambda Errors FunctionName=WebhookFunction",
                "AWS/Lambda Errors FunctionName=PollerFunction",
                "AWS/Lambda Errors FunctionName=ActionsFunction",
                "AWS/ApiGateway 5xx ApiId=WebhookApi",
                "QaBridge RunsWithoutReply Platform=github,gitlab");
    }

    @Test
    void runsWithoutAReplyAlarmOnTheFirstOne() {
        Map<String, Object> alarm = props(resource("RunsWithoutReplyAlarm"));
        assertThat(alarm.get("Threshold")).isEqualTo(1);
        assertThat(alarm.get("ComparisonOperator")).isEqualTo("GreaterThanOrEqualToThreshold");
        Map<String, Object> total = map(list(alarm.get("Metrics")).get(0));
        assertThat(total.get("Expression")).isEqualTo("FILL(github, 0) + FILL(gitlab, 0)");
        for (Object query : list(alarm.get("Metrics")).subList(1, 3)) {
            Map<String, Object> stat = map(map(query).get("MetricStat"));
            assertThat(stat.get("Period")).isEqualTo(300);
            assertThat(stat.get("Stat")).isEqualTo("Sum");
        }
    }

    @Test
    void theWebhookIsThrottledAndItsAccessLogHasNoPathOrQueryString() throws IOException {
        Map<String, Object> api = props(resource("WebhookApi"));
        Map<String, Object> throttling = map(api.get("DefaultRouteSettings"));
        assertThat(ref(throttling.get("ThrottlingBurstLimit"))).isEqualTo("ApiThrottlingBurstLimit");
        assertThat(ref(throttling.get("ThrottlingRateLimit"))).isEqualTo("ApiThrottlingRateLimit");
        assertThat(parameter("ApiThrottlingBurstLimit").get("Default")).isEqualTo(50);
        assertThat(parameter("ApiThrottlingRateLimit").get("Default")).isEqualTo(20);

        Map<String, Object> access = map(api.get("AccessLogSettings"));
        assertThat(map(access.get("DestinationArn")).get("Fn::GetAtt")).isEqualTo(List.of("WebhookApiAccessLogGroup", "Arn"));
        String format = (String) access.get("Format");
        JsonNode line = JsonHttp.JSON.readTree(format);   // one JSON object per request
        List<String> variables = new ArrayList<>();
        line.forEach(v -> variables.add(v.asText()));
        assertThat(variables).contains("$context.routeKey", "$context.status", "$context.requestId", "$context.responseLength",
                "$context.integrationErrorMessage", "$context.identity.sourceIp");
        assertThat(format).doesNotContain("$context.path", "querystring", "$input", "$request", "header");
    }

    @Test
    void theWebhookFunctionHasReservedConcurrencyUnlessSetToZero() {
        Object reserved = props(resource("WebhookFunction")).get("ReservedConcurrentExecutions");
        List<Object> choice = list(map(reserved).get("Fn::If"));
        assertThat(choice.get(0)).isEqualTo("ReserveWebhookConcurrency");
        assertThat(ref(choice.get(1))).isEqualTo("WebhookReservedConcurrency");
        assertThat(ref(choice.get(2))).isEqualTo("AWS::NoValue");
        assertThat(parameter("WebhookReservedConcurrency").get("Default")).isEqualTo(20);
        assertThat(condition("ReserveWebhookConcurrency", Map.of())).isTrue();
        assertThat(condition("ReserveWebhookConcurrency", Map.of("WebhookReservedConcurrency", "0"))).isFalse();
    }

    @Test
    void theTableOutlivesTheStackAndKeepsPointInTimeRecovery() {
        Map<String, Object> table = resource("RunTable");
        assertThat(table.get("DeletionPolicy")).isEqualTo("Retain");
        assertThat(table.get("UpdateReplacePolicy")).isEqualTo("Retain");
        Object pitr = map(props(table).get("PointInTimeRecoverySpecification")).get("PointInTimeRecoveryEnabled");
        assertThat(list(map(pitr).get("Fn::If"))).containsExactly("PointInTimeRecoveryOn", true, false);
        assertThat(condition("PointInTimeRecoveryOn", Map.of())).isTrue();
        assertThat(condition("PointInTimeRecoveryOn", Map.of("PointInTimeRecovery", "false"))).isFalse();
    }

    @Test
    void theExecutionTimeoutComesAfterTheLongestRunDeadlineAndItsReply() throws IOException {
        JsonNode asl = JsonHttp.JSON.readTree(Files.readString(ROOT.resolve("statemachine").resolve("qa-bridge.asl.json")));
        int maxMinutes = (Integer) parameter("QaTimeoutMinutes").get("MaxValue");

        assertThat(asl.path("TimeoutSeconds").isInt()).isTrue();
        assertThat(asl.path("TimeoutSeconds").asInt()).isGreaterThanOrEqualTo(maxMinutes * 60 + DEADLINE_TO_REPLY_MARGIN_SECONDS);
        // A year is Step Functions' own cap for Standard executions.
        assertThat(asl.path("TimeoutSeconds").asInt()).isLessThanOrEqualTo(365 * 24 * 3600);
    }

    @Test
    void everyRetrySpreadsItsAttemptsWithFullJitter() throws IOException {
        JsonNode asl = JsonHttp.JSON.readTree(Files.readString(ROOT.resolve("statemachine").resolve("qa-bridge.asl.json")));
        List<String> retriers = new ArrayList<>();
        asl.path("States").fields().forEachRemaining(state -> state.getValue().path("Retry").forEach(retry -> {
            retriers.add(state.getKey());
            assertThat(retry.path("JitterStrategy").asText()).as(state.getKey()).isEqualTo("FULL");
        }));
        assertThat(retriers).isNotEmpty();
    }

    @Test
    void tracingIsOneSwitchForTheFunctionsAndTheStateMachine() {
        assertThat(parameter("Tracing").get("AllowedValues")).isEqualTo(List.of("PassThrough", "Active"));
        assertThat(parameter("Tracing").get("Default")).isEqualTo("PassThrough");
        assertThat(ref(global("Tracing"))).isEqualTo("Tracing");
        Object enabled = map(props(resource("QaBridgeStateMachine")).get("Tracing")).get("Enabled");
        assertThat(list(map(enabled).get("Fn::If"))).containsExactly("TracingActive", true, false);
        assertThat(condition("TracingActive", Map.of("Tracing", "Active"))).isTrue();
        assertThat(condition("TracingActive", Map.of())).isFalse();
    }

    @Test
    void theSecretsTtlIsAParameter() {
        Map<String, Object> env = map(map(global("Environment")).get("Variables"));
        assertThat(ref(env.get("QA_SECRETS_TTL_SECONDS"))).isEqualTo("QaSecretsTtlSeconds");
        assertThat(parameter("QaSecretsTtlSeconds").get("Default")).isEqualTo(300);
    }

    @Test
    void theServerlessApplicationRepositoryMetadataIsCompleteAndLiteral() throws IOException {
        Map<String, Object> app = map(map(TEMPLATE.get("Metadata")).get("AWS::ServerlessRepo::Application"));
        // the repository's own limits (its CreateApplication API)
        assertThat((String) app.get("Name")).matches("[a-zA-Z0-9-]{1,140}");
        assertThat((String) app.get("Description")).isNotBlank().hasSizeLessThanOrEqualTo(256);
        assertThat((String) app.get("Author")).hasSizeLessThanOrEqualTo(127).matches("^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$");
        assertThat(list(app.get("Labels"))).hasSizeBetween(1, 10)
                .allSatisfy(l -> assertThat((String) l).hasSizeLessThanOrEqualTo(127).matches("^[a-zA-Z0-9+\\-_:/@]+$"));
        assertThat(app.get("SpdxLicenseId")).isEqualTo("Apache-2.0");
        assertThat(ROOT.resolve((String) app.get("LicenseUrl"))).content()
                .contains("Apache License", "Version 2.0, January 2004", "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION");
        assertThat(ROOT.resolve((String) app.get("ReadmeUrl"))).isRegularFile().content().startsWith("# qa-bridge");
        assertThat((String) app.get("HomePageUrl")).startsWith("https://");
        assertThat((String) app.get("SourceCodeUrl")).startsWith("https://");
        // one version for what is published and what is built
        Matcher version = Pattern.compile("<artifactId>qa-bridge-functions</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("functions/pom.xml")));
        assertThat(version.find()).isTrue();
        assertThat(app.get("SemanticVersion")).isEqualTo(version.group(1));
        assertThat(version.group(1)).matches("\\d+\\.\\d+\\.\\d+");
        // the repository resolves no intrinsic function in its metadata
        assertThat(app).containsOnlyKeys("Name", "Description", "Author", "SpdxLicenseId", "LicenseUrl", "ReadmeUrl", "Labels",
                "HomePageUrl", "SemanticVersion", "SourceCodeUrl");
        app.forEach((key, value) -> assertThat(value).as(key).isInstanceOfAny(String.class, List.class));
        assertThat(list(app.get("Labels"))).allSatisfy(l -> assertThat(l).isInstanceOf(String.class));
    }

    @Test
    void theFunctionsArchitectureIsALiteralAsTheRepositoryRequires() {
        assertThat(global("Architectures")).isEqualTo(List.of("arm64"));
        assertThat(map(TEMPLATE.get("Parameters"))).doesNotContainKey("Architecture");
    }

    @Test
    void theDashboardShowsEveryMetricTheBridgeEmitsWithItsDimensions() throws IOException {
        for (boolean withAlarms : List.of(true, false)) {
            JsonNode body = dashboard(withAlarms);
            Map<String, Set<String>> searched = new HashMap<>();
            Pattern search = Pattern.compile("SEARCH\\('\\{QaBridge,([^}]*)} MetricName=\"(\\w+)\"");
            for (JsonNode widget : body.path("widgets")) {
                for (JsonNode row : widget.path("properties").path("metrics")) {
                    Matcher m = search.matcher(row.path(0).path("expression").asText());
                    if (m.find()) {
                        searched.put(m.group(2), new TreeSet<>(List.of(m.group(1).split(","))));
                    }
                }
            }
            for (Map.Entry<String, List<String>> metric : Metrics.DIMENSIONS.entrySet()) {
                Set<String> dims = new TreeSet<>(metric.getValue());
                dims.add(Metrics.PLATFORM);
                assertThat(searched.get(metric.getKey())).as("the dashboard's search for %s", metric.getKey()).isEqualTo(dims);
            }
            List<String> types = new ArrayList<>();
            body.path("widgets").forEach(w -> types.add(w.path("type").asText()));
            assertThat(types.contains("alarm")).as("an alarm widget when alarms exist").isEqualTo(withAlarms);
        }
    }

    // ---- reading the template

    /** The dashboard's JSON as CloudFormation would render it, with or without the alarms. */
    private static JsonNode dashboard(boolean withAlarms) throws IOException {
        List<Object> sub = list(map(props(resource("Dashboard")).get("DashboardBody")).get("Fn::Sub"));
        List<Object> choice = list(map(map(sub.get(1)).get("AlarmsWidget")).get("Fn::If"));
        assertThat(choice.get(0)).isEqualTo("HasAlarmTopic");
        String widget = withAlarms ? (String) map(choice.get(1)).get("Fn::Sub") : (String) choice.get(2);
        String body = ((String) sub.get(0)).replace("${AlarmsWidget}", widget).replaceAll("\\$\\{[^}]+}", "placeholder");
        return JsonHttp.JSON.readTree(body);
    }

    /** "Namespace Metric Dim=Ref" for a single-metric alarm, "Namespace Metric Dim=v1,v2" for a metric-math one. */
    private static String watches(Map<String, Object> alarm) {
        if (alarm.containsKey("Metrics")) {
            String namespace = null;
            String metric = null;
            List<String> values = new ArrayList<>();
            String dimension = null;
            for (Object q : list(alarm.get("Metrics"))) {
                Map<String, Object> stat = map(map(q).get("MetricStat"));
                if (stat.isEmpty()) {
                    continue;
                }
                Map<String, Object> m = map(stat.get("Metric"));
                namespace = (String) m.get("Namespace");
                metric = (String) m.get("MetricName");
                Map<String, Object> d = map(list(m.get("Dimensions")).get(0));
                dimension = (String) d.get("Name");
                values.add((String) d.get("Value"));
            }
            return namespace + " " + metric + " " + dimension + "=" + String.join(",", values);
        }
        Map<String, Object> d = map(list(alarm.get("Dimensions")).get(0));
        return alarm.get("Namespace") + " " + alarm.get("MetricName") + " " + d.get("Name") + "=" + ref(d.get("Value"));
    }

    /** The resources of a type that exist with these parameter values (defaults for the rest). */
    private static Map<String, Map<String, Object>> resourcesOfType(String type, Map<String, String> parameters) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        map(TEMPLATE.get("Resources")).forEach((name, r) -> {
            Map<String, Object> resource = map(r);
            Object cond = resource.get("Condition");
            if (type.equals(resource.get("Type")) && (cond == null || condition((String) cond, parameters))) {
                found.put(name, resource);
            }
        });
        return found;
    }

    private static boolean condition(String name, Map<String, String> parameters) {
        Object definition = map(TEMPLATE.get("Conditions")).get(name);
        assertThat(definition).as("condition " + name).isNotNull();
        return (Boolean) evaluate(definition, parameters);
    }

    /** The condition functions and Ref, as CloudFormation evaluates them. */
    private static Object evaluate(Object expression, Map<String, String> parameters) {
        if (!(expression instanceof Map<?, ?> m)) {
            return String.valueOf(expression);
        }
        Map.Entry<?, ?> fn = m.entrySet().iterator().next();
        List<Object> args = fn.getValue() instanceof List<?> l ? new ArrayList<>(l) : List.of(fn.getValue());
        return switch ((String) fn.getKey()) {
            case "Ref" -> parameters.getOrDefault((String) args.get(0), String.valueOf(parameter((String) args.get(0)).get("Default")));
            case "Condition" -> condition((String) args.get(0), parameters);
            case "Fn::Not" -> !(Boolean) evaluate(args.get(0), parameters);
            case "Fn::Equals" -> evaluate(args.get(0), parameters).equals(evaluate(args.get(1), parameters));
            case "Fn::And" -> args.stream().allMatch(a -> (Boolean) evaluate(a, parameters));
            case "Fn::Or" -> args.stream().anyMatch(a -> (Boolean) evaluate(a, parameters));
            default -> throw new AssertionError("not a condition function: " + fn.getKey());
        };
    }

    private static Map<String, Object> parameter(String name) {
        Map<String, Object> p = map(map(TEMPLATE.get("Parameters")).get(name));
        assertThat(p).as("parameter " + name).isNotEmpty();
        return p;
    }

    private static Map<String, Object> resource(String name) {
        Map<String, Object> r = map(map(TEMPLATE.get("Resources")).get(name));
        assertThat(r).as("resource " + name).isNotEmpty();
        return r;
    }

    private static Object global(String property) {
        return map(map(TEMPLATE.get("Globals")).get("Function")).get(property);
    }

    private static Map<String, Object> props(Map<String, Object> resource) {
        return map(resource.get("Properties"));
    }

    private static String ref(Object value) {
        return (String) map(value).get("Ref");
    }

    private static String sub(Object value) {
        return (String) map(value).get("Fn::Sub");
    }

    /** A YAML mapping as read by SnakeYAML (an empty one for anything else); RepoFilesTest reads its files the same way. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    private static Map<String, Object> readTemplate(Path file) {
        try {
            return new Yaml(new CloudFormationTags()).load(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /**
     * Reads CloudFormation's short forms the way CloudFormation does: {@code !Ref x} as {@code {Ref: x}},
     * {@code !GetAtt a.b} as {@code {Fn::GetAtt: [a, b]}}, any other {@code !Fn} as {@code {Fn::Fn: …}}.
     */
    private static final class CloudFormationTags extends SafeConstructor {
        CloudFormationTags() {
            super(new LoaderOptions());
            yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue().substring(1);
                    Object value = switch (node) {
                        case ScalarNode s -> constructScalar(s);
                        case SequenceNode s -> constructSequence(s);
                        case MappingNode m -> constructMapping(m);
                        default -> throw new IllegalArgumentException("unexpected node " + node);
                    };
                    if (tag.equals("GetAtt") && value instanceof String s) {
                        value = List.of(s.split("\\.", 2));
                    }
                    return Map.of(tag.equals("Ref") || tag.equals("Condition") ? tag : "Fn::" + tag, value);
                }
            });
        }
    }
}
