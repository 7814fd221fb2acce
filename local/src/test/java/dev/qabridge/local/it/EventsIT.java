package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalContext;
import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every file in {@code events/} goes through its function the way {@code sam local invoke} would
 * hand it over (the three functions are stream handlers: the runtime passes the file's bytes as they
 * are), with the settings of {@code events/env.json} and outbound HTTP pointed at loopback fakes; the
 * result must match {@code events/expected.json}, which the README's {@code sam local invoke} section
 * shows.
 */
class EventsIT {
    private static final Path EVENTS = LocalStack.root().resolve("events");
    private static StackFixture fx;
    private static JsonNode expected;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>();
        JsonNode params = JsonHttp.JSON.readTree(EVENTS.resolve("env.json").toFile()).path("Parameters");
        params.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        env.keySet().removeIf(k -> k.endsWith("_API_URL") || k.equals("TABLE_NAME") || k.equals("STATE_MACHINE_ARN")
                || env.get(k).isEmpty());
        fx = new StackFixture(env);
        expected = JsonHttp.JSON.readTree(EVENTS.resolve("expected.json").toFile());

        Stubs.github(fx.fakes.github, "https://shop-git-feature-cart-totals-acme.vercel.app");
        GitLabStubs.gitlab(fx.fakes.gitlab);
        GitLabStubs.reviewAppDeployed(fx.fakes.gitlab, "https://cart-totals.review.example.com");
        // events/*-deployment-*.json: the deployed commit heads PR 7 / is in MR !7; no settings files (404).
        fx.fakes.github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/repos/acme/shop/commits/" + GitHubPayloads.SHA + "/pulls"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("[{\"number\": 7, \"state\": \"open\"}]")));
        fx.fakes.gitlab.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(GitLabStubs.API + "/repository/commits/" + GitLabPayloads.SHA
                        + "/merge_requests"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("[{\"iid\": 7, \"state\": \"opened\"}]")));
        // events/github-pull-request-ready.json: PR 7's head has deployment 1001 (the one events/github-deployment-preview.json reports)
        fx.fakes.github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/repos/acme/shop/deployments"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        "[{\"id\": 1001, \"sha\": \"" + GitHubPayloads.SHA + "\", \"environment\": \"Preview\"}]")));
        fx.fakes.github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/repos/acme/shop/deployments/1001/statuses"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        "[{\"id\": 10011, \"state\": \"success\", \"environment_url\": \"https://shop-git-feature-cart-totals-acme.vercel.app\"}]")));
        // events/gitlab-mr-ready.json: MR !7's head has review-app deployment 1001 (the one events/gitlab-deployment-review.json reports)
        fx.fakes.gitlab.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(GitLabStubs.API + "/deployments"))
                .withQueryParam("status", com.github.tomakehurst.wiremock.client.WireMock.equalTo("success"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        "[{\"id\": 1001, \"iid\": 3, \"ref\": \"" + GitLabPayloads.BRANCH + "\", \"sha\": \"" + GitLabPayloads.SHA
                                + "\", \"status\": \"success\", \"environment\": {\"id\": 9, \"name\": \"review/feature-cart-totals\","
                                + " \"external_url\": \"https://cart-totals.review.example.com\"}}]")));
        // events/github-check-run-rerun-failed.json: its clicker may write to the repository
        fx.fakes.github.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/repos/acme/shop/collaborators/octocat/permission"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        "{\"permission\": \"write\", \"role_name\": \"write\", \"user\": {\"login\": \"octocat\", \"id\": 1}}")));
        Stubs.chatStarted(fx.fakes.qatech, "chat_example1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_example1", Stubs.running("chat_example1"));
        Stubs.chatPolls(fx.fakes.qatech, "chat_example2", Stubs.passed("chat_example2", "Checkout works."));
        Stubs.chatPolls(fx.fakes.qatech, "chat_example3", Stubs.finished("chat_example3", "FAILED", "Login is broken."));
        Stubs.chatPolls(fx.fakes.qatech, "chat_example4", Stubs.passed("chat_example4", "Adding a second mug took the total from $12.00 to $24.00."));
        Stubs.chatPolls(fx.fakes.qatech, "chat_example5", Stubs.failedVerdict("chat_example5", "Removing the mug left the total at $24.00."));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void everyEventsFileHasAnExpectationAndEveryExpectationAFile() throws Exception {
        List<String> names = files().map(p -> p.getFileName().toString()).toList();
        List<String> documented = new java.util.ArrayList<>();
        expected.fieldNames().forEachRemaining(n -> {
            if (!n.startsWith("_")) {
                documented.add(n);
            }
        });
        assertThat(names).containsExactlyInAnyOrderElementsOf(documented);
        String readme = Files.readString(LocalStack.root().resolve("README.md"));
        assertThat(names).allSatisfy(n -> assertThat(readme).as("README mentions events/" + n).contains("events/" + n));
    }

    @TestFactory
    Stream<DynamicTest> eachEventsFileGivesItsDocumentedResult() {
        return files().map(path -> DynamicTest.dynamicTest(path.getFileName().toString(), () -> check(path)));
    }

    private static void check(Path path) throws Exception {
        String name = path.getFileName().toString();
        JsonNode expect = expected.path(name);
        if (name.startsWith("github-") || name.startsWith("gitlab-")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            fx.stack.webhook().handleRequest(new ByteArrayInputStream(Files.readAllBytes(path)), out, new LocalContext("WebhookFunction"));
            JsonNode r = JsonHttp.JSON.readTree(out.toByteArray());
            assertThat(r.path("statusCode").asInt()).as(name + " → " + r).isEqualTo(expect.path("statusCode").asInt());
            assertThat(r.path("body").asText()).contains(expect.path("bodyContains").asText());
        } else {
            String function = name.startsWith("poller-") ? "PollerFunction" : "ActionsFunction";
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            fx.stack.function(function).handleRequest(new ByteArrayInputStream(Files.readAllBytes(path)), out, new LocalContext(function));
            JsonNode output = JsonHttp.JSON.readTree(out.toByteArray());
            for (Iterator<Map.Entry<String, JsonNode>> it = expect.path("output").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                assertThat(output.path(field.getKey())).as(name + " → " + field.getKey() + " in " + output).isEqualTo(field.getValue());
            }
        }
    }

    private static Stream<Path> files() {
        try (Stream<Path> list = Files.list(EVENTS)) {
            return list.filter(p -> p.toString().endsWith(".json"))
                    .filter(p -> !p.getFileName().toString().equals("env.json") && !p.getFileName().toString().equals("expected.json"))
                    .sorted().toList().stream();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
