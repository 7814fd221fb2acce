package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.http.JsonHttp;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.util.Comparator;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** End-to-end scenarios shared by every {@link BridgeUnderTest}, so moto and LocalStack prove the same thing. */
final class Scenarios {
    static final String PREVIEW = "https://shop-git-feature-cart-totals-acme.vercel.app";
    static final String COMMENTS = "/repos/acme/shop/issues/7/comments";
    static final String STATUS_COMMENT = "/repos/acme/shop/issues/comments/" + Stubs.STATUS_COMMENT_ID;
    static final String REACTIONS = "/repos/acme/shop/issues/comments/\\d+/reactions";

    private Scenarios() {}

    /**
     * A trusted `/qa` comment: the agent runs on the deployment's URL with the PR as context, the loop
     * polls three times, and the status comment is edited once with the answer.
     */
    static void happyPath(BridgeUnderTest bridge) throws Exception {
        Fakes fakes = bridge.fakes();
        Stubs.github(fakes.github, PREVIEW);
        String chat = "chat_happy1";
        Stubs.chatStarted(fakes.qatech, chat);
        Stubs.chatPolls(fakes.qatech, chat, Stubs.onlyUserMessage(chat), Stubs.running(chat),
                Stubs.passed(chat, "The cart total updated from $20 to $35 after adding a second item. ✅"));
        String delivery = GitHubPayloads.newDelivery();
        var command = GitHubPayloads.command("/qa check that the cart total updates");

        BridgeUnderTest.Delivered answer = bridge.deliverGitHub("issue_comment", delivery, command);

        assertThat(answer.status()).isEqualTo(202);
        assertThat(json(answer.body()).path("run").asText()).isEqualTo("github-c" + GitHubPayloads.commentId(command));
        DescribeExecutionResponse end = bridge.awaitEnd(json(answer.body()).path("run").asText());
        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(json(end.output()).path("reply").path("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(json(end.output()).path("conversation").path("id").asText()).isEqualTo(chat);

        // QA.tech got one conversation, aimed at the deployment's URL, with the PR as context.
        List<LoggedRequest> starts = fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat")));
        assertThat(starts).hasSize(1);
        assertThat(starts.get(0).getHeader("Authorization")).isEqualTo("Bearer it-qatech-key");
        JsonNode chatRequest = json(starts.get(0).getBodyAsString());
        assertThat(chatRequest.path("message").asText()).startsWith("check that the cart total updates")
                .contains("pull request #7", "acme/shop", GitHubPayloads.SHA, "Cart: recompute totals");
        assertThat(chatRequest.path("projectShortId").asText()).isEqualTo("proj_demo");
        JsonNode override = chatRequest.path("applicationOverrides").get(0);
        assertThat(override.path("applicationShortId").asText()).isEqualTo("app_shop");
        assertThat(override.path("environment").path("url").asText()).isEqualTo(PREVIEW);
        // three looks; the reply uses the answer the last one read, and asks QA.tech nothing more
        assertThat(json(end.output()).path("poll").path("polls").asInt()).isEqualTo(3);
        fakes.qatech.verify(3, getRequestedFor(urlPathEqualTo("/v1/chat/" + chat)).withQueryParam("limit", equalTo("20")));

        // GitHub: eyes, one status comment, edited once with the answer, then a rocket.
        List<LoggedRequest> posted = fakes.github.findAll(postRequestedFor(urlPathEqualTo(COMMENTS)));
        assertThat(posted).hasSize(1);
        assertThat(json(posted.get(0).getBodyAsString()).path("body").asText())
                .contains("QA.tech is testing this preview", PREVIEW, "https://app.qa.tech/p/proj_demo/chat/" + chat, "@octocat");
        List<LoggedRequest> edits = fakes.github.findAll(patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
        assertThat(edits).hasSize(1);
        String reply = json(edits.get(0).getBodyAsString()).path("body").asText();
        assertThat(reply).contains("QA passed", "The cart total updated from $20 to $35", PREVIEW,
                "https://app.qa.tech/p/proj_demo/chat/" + chat, "@octocat", "check that the cart total updates");
        assertThat(reactions(fakes)).containsExactly("eyes", "rocket");
        for (LoggedRequest r : fakes.github.getAllServeEvents().stream().map(e -> e.getRequest()).toList()) {
            assertThat(r.getHeader("Authorization")).isEqualTo("Bearer it-github-token");
            assertThat(r.getHeader("User-Agent")).isNotBlank();
        }
    }

    static List<String> reactions(Fakes fakes) {
        return fakes.github.findAll(postRequestedFor(urlPathMatching(REACTIONS))).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(r -> json(r.getBodyAsString()).path("content").asText()).toList();
    }

    static JsonNode json(String text) {
        try {
            return JsonHttp.JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
