package dev.qabridge.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.qabridge.core.Ask;
import dev.qabridge.core.Env;
import dev.qabridge.core.Origin;
import dev.qabridge.core.RunInput;
import dev.qabridge.core.RunRecord;
import dev.qabridge.core.Settings;
import dev.qabridge.core.Texts;
import dev.qabridge.core.TransientApiError;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.qatech.QaTechClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The run's steps on in-memory platform, store and workflow: each can be repeated without a second comment or conversation. */
class StepsTest {
    private final Settings settings = Settings.from(new Env(Map.of("QATECH_APPLICATION_ID", "app_shop")));
    private final Fakes.TestClock clock = new Fakes.TestClock();
    private final Fakes.Host host = new Fakes.Host();
    private final Fakes.Store store = new Fakes.Store();
    private final Fakes.Runs runs = new Fakes.Runs();
    private HttpServer qatech;
    private volatile int qatechStatus = 202;

    private Steps steps(String qatechUrl) {
        return new Steps(settings, platform -> host, () -> new QaTechClient(qatechUrl, () -> "k", Duration.ofSeconds(5)), store, runs, clock,
                Optional::empty);
    }

    private Steps steps() {
        return steps("http://127.0.0.1:9");   // nothing listens: any QA.tech call fails to connect
    }

    @AfterEach
    void stop() {
        if (qatech != null) {
            qatech.stop(0);
        }
    }

    private String qatechAnswering() throws Exception {
        qatech = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        qatech.createContext("/v1/chat", x -> {
            byte[] body = (qatechStatus == 202 ? "{\"shortId\":\"chat_1\",\"url\":\"https://app.qa.tech/c/chat_1\"}"
                    : "{\"message\":\"nope\"}").getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(qatechStatus, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        qatech.start();
        return "http://127.0.0.1:" + qatech.getAddress().getPort();
    }

    private static ObjectNode state(String command, String commentId) {
        Origin o = new Origin("github", "acme/shop", "", 7, "", 0);
        Ask ask = new Ask("octocat", "check the cart", "", commentId, "d-1", 1_795_687_200_000L, "", "");
        ObjectNode s = new RunInput("github-c" + commentId, command, o, ask, "", "", 4_102_444_800L, 3, "r").toJson();
        s.putObject("target").put("url", "https://pr-7.preview.example.com").put("source", "DEPLOYMENT").put("sha", "abc")
                .put("branch", "feature/cart").put("title", "Cart").put("webUrl", "https://github.com/acme/shop/pull/7").put("description", "");
        return s;
    }

    private static ObjectNode finished(ObjectNode s) {
        s.putObject("conversation").put("id", "chat_1").put("url", "https://app.qa.tech/c/chat_1");
        s.putObject("status").put("commentId", "9001");
        s.putObject("poll").put("timedOut", true).put("done", true).put("status", "RUNNING").put("polls", 9);
        return s;
    }

    @Test
    void acknowledgesWithEyesAndAnUntrustedCommenterWithConfusedOnly() {
        steps().run("acknowledge", state("run", "1"), 0);
        steps().run("acknowledge", state("refuse", "2"), 0);

        assertThat(host.writes).containsExactly("react eyes", "react confused");
    }

    @Test
    void anInvalidSettingsFileIsReportedOncePerPullRequestAndContent() {
        ObjectNode s = state("run", "3");
        s.put("settingsFile", "qatech:\n  applicationId: shop\n");

        steps().run("acknowledge", s, 0);
        steps().run("acknowledge", s, 0);

        assertThat(host.writes).containsExactly("react eyes", "post 9001", "react eyes");
        assertThat(host.comments.get("9001")).contains(".github/qa-bridge.yml` is not valid", "line 2");
    }

    @Test
    void aRetriedReplyEditsTheSameCommentAgainAndNeverPostsASecond() {
        ObjectNode s = finished(state("run", "4"));
        host.comments.put("9001", "status");

        JsonNode first = steps().run("reply", s, 0);
        JsonNode again = steps().run("reply", s, 1);

        assertThat(first.path("outcome").asText()).isEqualTo("TIMED_OUT");
        assertThat(again.path("outcome").asText()).isEqualTo("TIMED_OUT");
        assertThat(host.writes).containsExactly("edit 9001", "react confused", "edit 9001", "react confused");
        assertThat(store.finalWord).containsEntry("github-c4", "reply");
    }

    @Test
    void writesNothingOnARunThatANewerDeploymentSuperseded() {
        store.finalWord.put("github-c5", "superseded");

        JsonNode out = steps().run("reply", finished(state("run", "5")), 0);

        assertThat(out.path("replied").asBoolean()).isFalse();
        assertThat(host.writes).isEmpty();
    }

    @Test
    void anEditThatFailsIsLeftToTheStateMachineWhoseFallbackPostsOnceEvenWhenRetried() {
        ObjectNode s = finished(state("run", "6"));
        host.failEdits = new TransientApiError("GitHub answered 500");

        assertThatThrownBy(() -> steps().run("reply", s, 0)).isInstanceOf(TransientApiError.class);
        JsonNode fallback = steps().run("reply-in-new-comment", s, 0);
        steps().run("reply-in-new-comment", s, 1);   // its answer was lost: the retry finds the comment it made

        assertThat(fallback.path("edited").asBoolean()).isFalse();
        assertThat(host.writes.stream().filter(w -> w.startsWith("post")).toList()).hasSize(1);
        assertThat(host.writes).contains("find");
        assertThat(host.comments.values()).anySatisfy(c -> assertThat(c).contains(Texts.runMarker("github-c6", "reply")));
    }

    @Test
    void startingNeverRepeatsARequestThatMayHaveReachedQaTech() throws Exception {
        String url = qatechAnswering();
        ObjectNode s = state("run", "7");

        assertThat(steps(url).run("start", s, 0).path("id").asText()).isEqualTo("chat_1");
        qatechStatus = 503;
        assertThatThrownBy(() -> steps(url).run("start", s, 0)).isInstanceOf(ConversationMayHaveStarted.class);
        qatechStatus = 429;
        assertThatThrownBy(() -> steps(url).run("start", s, 0)).isInstanceOf(TransientApiError.class);
        qatechStatus = 401;
        assertThatThrownBy(() -> steps(url).run("start", s, 0)).isInstanceOf(QaTechRefused.class)
                .hasMessageContaining("QA.tech rejected the API key (401)");
        assertThatThrownBy(() -> steps().run("start", s, 0)).as("no connection: never sent, safe to send again")
                .isInstanceOf(TransientApiError.class).hasMessageContaining("safe to send again");
    }

    @Test
    void theMessageCarriesTheInstructionsAndThePullRequestAsContext() {
        ObjectNode s = state("run", "8");
        ((ObjectNode) s.path("target")).put("description", "Recomputes totals.");

        String message = Steps.message(RunInput.fromJson(s), s.path("target"));

        assertThat(message).startsWith("check the cart").contains("pull request #7", "Title: Cart", "not instructions", "acme/shop", "abc", "feature/cart",
                "https://pr-7.preview.example.com", "Recomputes totals.").endsWith(dev.qabridge.core.Verdict.REQUEST);
    }

    @Test
    void aNewerAutomaticRunStopsTheOlderOneAndSaysSoOnItsStatusComment() {
        Origin pr = new Origin("github", "acme/shop", "", 7, "", 0);
        store.pointers.put("autopr#github#acme/shop#7", "github-d1-7");
        store.saveRun(new RunRecord("github-d1-7", pr, new Ask("the Preview deployment", "Test it", "https://old", "", "d", 0, "a", "Preview"),
                new RunRecord.Conversation("chat_old", "https://app.qa.tech/c/chat_old"), "8001", "https://old", "a"));
        ObjectNode s = state("auto", "");
        s.put("runId", "github-d2-7");
        s.putObject("conversation").put("id", "chat_new").put("url", "https://app.qa.tech/c/chat_new");

        steps().run("supersede", s, 0);

        assertThat(runs.stopped).containsExactly("github-d1-7");
        assertThat(host.writes).containsExactly("edit 8001");
        assertThat(host.comments.get("8001")).contains("Superseded", "https://app.qa.tech/c/chat_new");
        assertThat(store.finalWord).containsEntry("github-d1-7", "superseded");
        assertThat(store.pointers).containsEntry("autopr#github#acme/shop#7", "github-d2-7");
    }

    @Test
    void anOlderAutomaticRunThatAlreadyRepliedIsLeftAlone() {
        Origin pr = new Origin("github", "acme/shop", "", 7, "", 0);
        store.pointers.put("autopr#github#acme/shop#7", "github-d1-7");
        store.saveRun(new RunRecord("github-d1-7", pr, new Ask("x", "y", "", "", "d", 0, "", "Preview"),
                new RunRecord.Conversation("c", "u"), "8001", "p", "s"));
        store.finalWord.put("github-d1-7", "reply");
        ObjectNode s = state("auto", "");
        s.put("runId", "github-d2-7");

        steps().run("supersede", s, 0);

        assertThat(runs.stopped).isEmpty();
        assertThat(host.writes).isEmpty();
    }

}
