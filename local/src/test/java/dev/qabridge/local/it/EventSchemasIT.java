package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every {@code events/github-*.json} is a delivery GitHub could have sent: its body validates against
 * GitHub's published schema for its {@code X-GitHub-Event} and {@code action} ({@code @octokit/openapi-webhooks},
 * fetched by {@code local/specs/fetch}: OpenAPI 3.1, whose schemas are JSON Schema 2020-12), formats
 * included, and it carries every header that description marks as required. {@code sam local invoke}
 * users test with these files, and EventsIT runs the bridge on them: a trimmed body would let the
 * bridge depend on fields that real deliveries lack, or pass only because a field it chokes on is absent.
 * Every {@code events/gitlab-*.json} carries at least the keys of GitLab's documented example for its hook.
 */
class EventSchemasIT {
    private static final Path EVENTS = LocalStack.root().resolve("events");
    private static final Path SPEC = LocalStack.root().resolve("local/specs/downloaded/openapi-webhooks/generated/api.github.com.json");
    private static JsonNode spec;
    private static JsonSchemaFactory factory;

    /**
     * The keys of GitLab's documented payload examples ("Webhook events" in GitLab's docs: "Comment on a
     * merge request", "Merge request events", "Deployment events"). GitLab publishes no schema; its real deliveries carry at least these.
     */
    private static final Map<String, List<String>> GITLAB_DOCUMENTED = Map.of(
            "Note Hook", List.of("object_kind", "event_type", "user", "project_id", "project", "repository", "object_attributes", "merge_request"),
            "Note Hook merge_request", List.of("id", "target_branch", "source_branch", "source_project_id", "author_id", "assignee_id", "title",
                    "created_at", "updated_at", "milestone_id", "state", "merge_status", "target_project_id", "iid", "description", "position",
                    "labels", "source", "target", "last_commit", "work_in_progress", "draft", "detailed_merge_status"),
            "Note Hook object_attributes", List.of("id", "note", "noteable_type", "author_id", "created_at", "updated_at", "project_id",
                    "attachment", "line_code", "commit_id", "noteable_id", "system", "st_diff", "action", "url"),
            "Merge Request Hook", List.of("object_kind", "event_type", "user", "project", "object_attributes", "labels", "changes", "repository"),
            "Merge Request Hook object_attributes", List.of("id", "iid", "target_branch", "source_branch", "source_project_id", "author_id",
                    "assignee_id", "title", "created_at", "updated_at", "milestone_id", "state", "merge_status", "target_project_id",
                    "description", "url", "source", "target", "last_commit", "work_in_progress", "draft", "action", "labels",
                    "detailed_merge_status"),
            "Deployment Hook", List.of("object_kind", "status", "status_changed_at", "deployment_id", "deployable_id", "deployable_url",
                    "environment", "environment_tier", "environment_slug", "environment_external_url", "project", "short_sha", "user",
                    "user_url", "commit_url", "commit_title"),
            "project", List.of("id", "name", "description", "web_url", "avatar_url", "git_ssh_url", "git_http_url", "namespace",
                    "visibility_level", "path_with_namespace", "default_branch", "homepage", "url", "ssh_url", "http_url"),
            "user", List.of("id", "name", "username", "avatar_url", "email"));

    @TestFactory
    Stream<DynamicTest> eachGitHubEventMatchesGitHubsSchemaForItsEventAndAction() throws IOException {
        assumeTrue(Files.isRegularFile(SPEC), "run local/specs/fetch (npm) to get GitHub's webhook schemas");
        spec = JsonHttp.JSON.readTree(SPEC.toFile());
        factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        return events("github-").map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }

    @TestFactory
    Stream<DynamicTest> eachGitLabEventCarriesWhatGitLabsDocumentedExampleCarries() throws IOException {
        return events("gitlab-").map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            JsonNode event = JsonHttp.JSON.readTree(p.toFile());
            String hook = event.path("headers").path("x-gitlab-event").asText();
            JsonNode body = JsonHttp.JSON.readTree(event.path("body").asText());
            assertThat(GITLAB_DOCUMENTED).as("a documented hook").containsKey(hook);
            assertKeys(p, hook, body, GITLAB_DOCUMENTED.get(hook));
            assertKeys(p, "project", body.path("project"), GITLAB_DOCUMENTED.get("project"));
            assertKeys(p, "user", body.path("user"), GITLAB_DOCUMENTED.get("user"));
            // "<hook> <field>": the documented keys of that hook's nested object
            GITLAB_DOCUMENTED.forEach((key, keys) -> {
                if (key.startsWith(hook + " ")) {
                    String field = key.substring(hook.length() + 1);
                    assertKeys(p, field, body.path(field), keys);
                }
            });
        }));
    }

    private static void assertKeys(Path file, String what, JsonNode node, List<String> documented) {
        Set<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as("%s: %s", file.getFileName(), what).containsAll(documented);
    }

    private static Stream<Path> events(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    private static void check(Path file) throws IOException {
        JsonNode event = JsonHttp.JSON.readTree(file.toFile());
        JsonNode headers = event.path("headers");
        JsonNode body = JsonHttp.JSON.readTree(event.path("body").asText());
        String name = headers.path("x-github-event").asText();
        // GitHub's keys spell both with hyphens: merge_group + checks_requested is merge-group-checks-requested
        String key = (name + (body.hasNonNull("action") ? "-" + body.path("action").asText() : "")).replace('_', '-');
        JsonNode webhook = spec.path("webhooks").path(key).path("post");
        assertThat(webhook.isMissingNode()).as("GitHub describes a '%s' webhook", key).isFalse();

        Set<String> required = new TreeSet<>();
        for (JsonNode parameter : webhook.path("parameters")) {
            if (parameter.path("in").asText().equals("header") && parameter.path("required").asBoolean()) {
                required.add(parameter.path("name").asText().toLowerCase(Locale.ROOT));
            }
        }
        Set<String> present = new TreeSet<>();
        headers.fieldNames().forEachRemaining(h -> present.add(h.toLowerCase(Locale.ROOT)));
        assertThat(present).as("headers of %s", file.getFileName()).containsAll(required);

        Set<ValidationMessage> problems = schema(webhook.path("requestBody").path("content").path("application/json").path("schema"))
                .validate(body);
        assertThat(problems).as("%s against %s", file.getFileName(), key).isEmpty();
    }

    /** The body's schema, its $refs resolved within the spec's components (the whole document as its base). */
    private static JsonSchema schema(JsonNode bodySchema) {
        ObjectNode root = JsonHttp.JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.setAll((ObjectNode) bodySchema.deepCopy());
        root.set("components", spec.path("components"));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        return factory.getSchema(root, config);
    }
}
