package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.Metrics;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metrics the dashboard and the alarms read come out of a real run as CloudWatch EMF lines: what was
 * accepted and ignored, the run's start, its reply with outcome and verdict, its timings and polls, the
 * failed calls by service and status, and the run that could not write any reply.
 */
class MetricsIT {
    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    @RegisterExtension
    final LogCapture logs = new LogCapture();

    /** One EMF event: the metric, its dimensions (Platform first) and its value. */
    record Emitted(String name, Map<String, String> dimensions, double value) {}

    private List<Emitted> emitted() {
        return logs.text().lines().filter(l -> l.startsWith("{\"_aws\"")).map(line -> {
            try {
                JsonNode n = JsonHttp.JSON.readTree(line);
                JsonNode directive = n.path("_aws").path("CloudWatchMetrics").get(0);
                assertThat(directive.path("Namespace").asText()).isEqualTo(Metrics.NAMESPACE);
                String name = directive.path("Metrics").get(0).path("Name").asText();
                Map<String, String> dims = new java.util.LinkedHashMap<>();
                directive.path("Dimensions").get(0).forEach(d -> dims.put(d.asText(), n.path(d.asText()).asText()));
                return new Emitted(name, dims, n.path(name).asDouble());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    private List<Emitted> named(String name) {
        return emitted().stream().filter(e -> e.name().equals(name)).toList();
    }

    @Test
    void aPassingRunCountsItsCommandStartReplyTimingsAndPollsAndAnEditIsIgnoredAsEdited() throws Exception {
        Stubs.github(fx.fakes.github, "https://pr-7.preview.example.com");
        Stubs.chatStarted(fx.fakes.qatech, "chat_metrics1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_metrics1", Stubs.running("chat_metrics1"), Stubs.passed("chat_metrics1", "Cart works."));
        String run = GitHubPayloads.runId(GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check the cart")));
        GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.comment("edited", "/qa check the cart", "MEMBER", true, "User"));

        assertThat(fx.awaitEnd(run).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        Map<String, String> github = Map.of(Metrics.PLATFORM, "github");
        assertThat(named(Metrics.COMMANDS_ACCEPTED)).containsExactly(new Emitted(Metrics.COMMANDS_ACCEPTED, github, 1));
        assertThat(named(Metrics.COMMANDS_IGNORED)).singleElement()
                .satisfies(e -> assertThat(e.dimensions()).containsEntry(Metrics.REASON, "edited").containsEntry(Metrics.PLATFORM, "github"));
        assertThat(named(Metrics.RUNS_STARTED)).containsExactly(new Emitted(Metrics.RUNS_STARTED, github, 1));
        assertThat(named(Metrics.REPLIES)).singleElement().satisfies(e -> assertThat(e.dimensions())
                .containsExactlyEntriesOf(orderedOf("github", Metrics.OUTCOME, "COMPLETED", Metrics.VERDICT, "PASS")));
        assertThat(named(Metrics.COMMAND_TO_REPLY_SECONDS)).singleElement().satisfies(e -> assertThat(e.value()).isPositive().isLessThan(120));
        assertThat(named(Metrics.AGENT_TO_REPLY_SECONDS)).singleElement().satisfies(e -> assertThat(e.value()).isGreaterThanOrEqualTo(0)
                .isLessThan(named(Metrics.COMMAND_TO_REPLY_SECONDS).getFirst().value()));
        assertThat(named(Metrics.POLLS_PER_RUN)).singleElement().satisfies(e -> assertThat(e.value()).isGreaterThanOrEqualTo(2));
        assertThat(named(Metrics.RUNS_WITHOUT_REPLY)).isEmpty();
        assertThat(named(Metrics.API_ERRORS)).as("no failed call, and the absent settings file (404) is no error").isEmpty();
    }

    @Test
    void aRunThatCanWriteNothingCountsARunWithoutReplyAndEachRefusedCallByServiceAndStatus() throws Exception {
        Stubs.github(fx.fakes.github, "https://pr-7.preview.example.com");
        String refused = "{\"message\": \"Resource not accessible by personal access token\"}";
        fx.fakes.github.stubFor(post(urlPathEqualTo("/repos/acme/shop/issues/7/comments")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json").withBody(refused)));
        fx.fakes.github.stubFor(patch(urlPathMatching("/repos/acme/shop/issues/comments/\\d+")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json").withBody(refused)));
        Stubs.chatStarted(fx.fakes.qatech, "chat_metrics2");
        Stubs.chatPolls(fx.fakes.qatech, "chat_metrics2", Stubs.passed("chat_metrics2", "Cart works."));
        String run = GitHubPayloads.runId(GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check the cart")));

        assertThat(fx.awaitEnd(run).status()).isEqualTo(ExecutionStatus.FAILED);

        assertThat(named(Metrics.RUNS_WITHOUT_REPLY)).containsExactly(new Emitted(Metrics.RUNS_WITHOUT_REPLY, Map.of(Metrics.PLATFORM, "github"), 1));
        assertThat(named(Metrics.REPLIES)).isEmpty();
        assertThat(named(Metrics.API_ERRORS)).isNotEmpty().allSatisfy(e -> assertThat(e.dimensions())
                .containsExactlyEntriesOf(orderedOf("github", Metrics.SERVICE, "github", Metrics.STATUS, "403")));
    }

    private static Map<String, String> orderedOf(String platform, String k1, String v1, String k2, String v2) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(Metrics.PLATFORM, platform);
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
