package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder.allRequests;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * GitHub's published REST description ({@code @octokit/openapi}, {@code api.github.com.deref.json}),
 * to check requests a fake recorded: each must be an operation GitHub has (method and path template),
 * send only query parameters the operation names and every required one, and have a JSON body that
 * validates against the operation's request schema. Read once per JVM, keeping only what requests
 * are checked against (the responses are most of the 70 MB and are skipped while streaming).
 */
final class GitHubRestSpec {
    static final String FETCH_HINT = "run local/specs/fetch (npm) to get GitHub's REST description";
    static final Path FILE = Path.of("local/specs/downloaded/openapi/generated/api.github.com.deref.json");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4,
            b -> b.metaSchema(OpenApi30.getInstance()).defaultMetaSchemaIri(OpenApi30.getInstance().getIri()));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .nullableKeywordEnabled(true).pathType(PathType.JSON_PATH).build();
    private static volatile GitHubRestSpec loaded;

    private final List<Operation> operations;
    private final Map<JsonNode, JsonSchema> compiled = Collections.synchronizedMap(new IdentityHashMap<>());

    private GitHubRestSpec(List<Operation> operations) {
        this.operations = operations;
    }

    /** The description, read on first use; skips the calling test when it has not been fetched. */
    static GitHubRestSpec get() {
        Optional<Path> file = locate();
        Assumptions.assumeTrue(file.isPresent(), FETCH_HINT);
        GitHubRestSpec spec = loaded;
        if (spec == null) {
            synchronized (GitHubRestSpec.class) {
                if (loaded == null) {
                    loaded = read(file.get());
                }
                spec = loaded;
            }
        }
        return spec;
    }

    /** The description when it has been fetched, for checks that add to a test rather than make it. */
    static Optional<GitHubRestSpec> ifFetched() {
        return locate().isPresent() ? Optional.of(get()) : Optional.empty();
    }

    /** Every problem of every request, one line each ({@code METHOD url: problem}); empty when all conform. */
    List<String> problems(List<LoggedRequest> requests) {
        List<String> problems = new ArrayList<>();
        for (LoggedRequest r : requests) {
            String method = r.getMethod().getName().toLowerCase(Locale.ROOT);
            String url = r.getUrl();
            int q = url.indexOf('?');
            String path = q < 0 ? url : url.substring(0, q);
            String query = q < 0 ? "" : url.substring(q + 1);
            for (String problem : check(method, path, query, r.getBody())) {
                problems.add(r.getMethod().getName() + " " + url + ": " + problem);
            }
        }
        return problems;
    }

    void assertConforms(List<LoggedRequest> requests) {
        assertThat(problems(requests)).as("requests that do not conform to GitHub's REST description").isEmpty();
    }

    /** Checks everything {@code fake} recorded. */
    void assertConforms(WireMockServer fake) {
        assertConforms(fake.findAll(allRequests()));
    }

    private List<String> check(String method, String path, String query, byte[] body) {
        List<String> segments = decodedSegments(path);
        List<Operation> matches = new ArrayList<>();
        Map<Operation, Map<String, String>> captured = new LinkedHashMap<>();
        for (Operation op : operations) {
            op.template().match(segments).ifPresent(params -> {
                matches.add(op);
                captured.put(op, params);
            });
        }
        Optional<Operation> op = matches.stream().filter(o -> o.method().equals(method))
                .max(Comparator.comparing(Operation::template, PathTemplate.SPECIFICITY));
        if (op.isEmpty()) {
            Set<String> others = new TreeSet<>();
            matches.forEach(o -> others.add(o.method().toUpperCase(Locale.ROOT)));
            return List.of("no such operation" + (others.isEmpty() ? "" : " (that path takes " + String.join(", ", others) + ")"));
        }
        List<String> problems = new ArrayList<>();
        Operation o = op.get();
        captured.get(o).forEach((name, value) -> problems.addAll(param("path parameter " + name, value, o.pathParams().get(name))));
        Map<String, String> sent = queryParams(query);
        o.queryParams().forEach((name, p) -> {
            if (p.path("required").asBoolean() && !sent.containsKey(name)) {
                problems.add("required query parameter " + name + " is missing");
            }
        });
        sent.forEach((name, value) -> {
            JsonNode p = o.queryParams().get(name);
            problems.addAll(p == null ? List.of("query parameter " + name + " is not one of " + o.queryParams().keySet())
                    : param("query parameter " + name, value, p));
        });
        problems.addAll(body(o, body));
        return problems;
    }

    private List<String> body(Operation op, byte[] bytes) {
        boolean sent = bytes != null && bytes.length > 0;
        if (!sent) {
            return op.requestBody().path("required").asBoolean() ? List.of("the operation requires a body; none was sent") : List.of();
        }
        if (op.requestBody().isMissingNode()) {
            return List.of("sends a body, but the operation takes none");
        }
        JsonNode schema = op.requestBody().path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            return List.of();
        }
        JsonNode json;
        try {
            json = JsonHttp.JSON.readTree(bytes);
        } catch (IOException e) {
            return List.of("the body is not JSON");
        }
        return messages("body ", schema, json);
    }

    private List<String> param(String what, String value, JsonNode parameter) {
        JsonNode schema = parameter == null ? null : parameter.get("schema");
        return schema == null ? List.of() : messages(what + " '" + value + "': ", schema, typed(value, schema));
    }

    private List<String> messages(String prefix, JsonNode schema, JsonNode instance) {
        JsonSchema compiledSchema = compiled.computeIfAbsent(schema, s -> SCHEMAS.getSchema(s, CONFIG));
        return compiledSchema.validate(instance).stream().map(ValidationMessage::getMessage).sorted().map(m -> prefix + m).toList();
    }

    /** A parameter's text as the JSON value its schema describes, so the schema can check it. */
    private static JsonNode typed(String value, JsonNode schema) {
        try {
            return switch (schema.path("type").asText()) {
                case "integer" -> LongNode.valueOf(Long.parseLong(value));
                case "number" -> DecimalNode.valueOf(new BigDecimal(value));
                case "boolean" -> value.equals("true") || value.equals("false") ? BooleanNode.valueOf(Boolean.parseBoolean(value)) : TextNode.valueOf(value);
                case "array" -> {
                    ArrayNode items = JsonHttp.JSON.createArrayNode();
                    for (String item : value.split(",", -1)) {
                        items.add(typed(item, schema.path("items")));
                    }
                    yield items;
                }
                default -> TextNode.valueOf(value);
            };
        } catch (NumberFormatException e) {
            return TextNode.valueOf(value);
        }
    }

    private static Map<String, String> queryParams(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                params.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    /** The path's segments, each percent-decoded on its own (so an encoded {@code /} stays inside its segment). */
    static List<String> decodedSegments(String path) {
        List<String> segments = new ArrayList<>();
        for (String raw : path.substring(path.startsWith("/") ? 1 : 0).split("/", -1)) {
            segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return segments;
    }

    private static Optional<Path> locate() {
        for (Path dir = LocalStack.root(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(FILE))) {
                return Optional.of(dir.resolve(FILE));
            }
        }
        return Optional.empty();
    }

    /** Streams the file, keeping each operation's parameters and request body; skips the rest. */
    static GitHubRestSpec read(Path file) {
        List<Operation> operations = new ArrayList<>();
        try (JsonParser p = JsonHttp.JSON.createParser(file.toFile())) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("paths")) {
                    readPaths(p, operations);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read GitHub's REST description " + file, e);
        }
        if (operations.isEmpty()) {
            throw new IllegalStateException(file + " has no operations: is it GitHub's REST description? " + FETCH_HINT);
        }
        return new GitHubRestSpec(List.copyOf(operations));
    }

    private static void readPaths(JsonParser p, List<Operation> operations) throws IOException {
        expect(p.currentToken(), JsonToken.START_OBJECT);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String template = p.currentName();
            expect(p.nextToken(), JsonToken.START_OBJECT);
            JsonNode shared = JsonHttp.JSON.createArrayNode();
            List<Map.Entry<String, JsonNode[]>> methods = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                if (METHODS.contains(key)) {
                    methods.add(Map.entry(key, readOperation(p)));
                } else if (key.equals("parameters")) {
                    shared = p.readValueAsTree();
                } else {
                    p.skipChildren();
                }
            }
            for (Map.Entry<String, JsonNode[]> m : methods) {
                operations.add(Operation.of(m.getKey(), template, shared, m.getValue()[0], m.getValue()[1]));
            }
        }
    }

    /** {parameters, requestBody} of one operation. */
    private static JsonNode[] readOperation(JsonParser p) throws IOException {
        JsonNode[] kept = {JsonHttp.JSON.createArrayNode(), com.fasterxml.jackson.databind.node.MissingNode.getInstance()};
        expect(p.currentToken(), JsonToken.START_OBJECT);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            switch (key) {
                case "parameters" -> kept[0] = p.readValueAsTree();
                case "requestBody" -> kept[1] = p.readValueAsTree();
                default -> p.skipChildren();
            }
        }
        return kept;
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + ", found " + actual);
        }
    }

    /** One operation: what a request to it is checked against. */
    private record Operation(String method, PathTemplate template, Map<String, JsonNode> pathParams,
                             Map<String, JsonNode> queryParams, JsonNode requestBody) {
        static Operation of(String method, String template, JsonNode shared, JsonNode own, JsonNode requestBody) {
            Map<String, JsonNode> path = new LinkedHashMap<>();
            Map<String, JsonNode> query = new LinkedHashMap<>();
            for (JsonNode list : List.of(shared, own)) { // an operation's own parameter overrides a shared one
                for (JsonNode param : list) {
                    switch (param.path("in").asText()) {
                        case "path" -> path.put(param.path("name").asText(), param);
                        case "query" -> query.put(param.path("name").asText(), param);
                        default -> { }
                    }
                }
            }
            Set<String> multiSegment = new TreeSet<>();
            path.forEach((name, param) -> {
                if (param.path("x-multi-segment").asBoolean()) {
                    multiSegment.add(name);
                }
            });
            return new Operation(method, PathTemplate.parse(template, multiSegment), path, query, requestBody);
        }
    }
}
