package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.github.GitHubSignature;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deliveries a hostile or broken sender could make, each signed with the right secret (so they get
 * past the signature): malformed bodies, every field the bridge reads with a wrong type or an out of
 * range value, Unicode tricks, huge values, replays. None may be answered 5xx, none may start a run,
 * and none may write anything on GitHub or reach QA.tech.
 */
class HostileDeliveriesIT {
    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    @BeforeEach
    void stubs() {
        Stubs.github(fx.fakes.github, Scenarios.PREVIEW);
    }

    /** A command payload with one change applied. */
    private static byte[] command(Consumer<ObjectNode> change) {
        ObjectNode p = GitHubPayloads.command("/qa check the cart");
        change.accept(p);
        return p.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode at(ObjectNode p, String field) {
        return (ObjectNode) p.path(field);
    }

    private static byte[] escaped(byte[] body, String escape) {
        return new String(body, StandardCharsets.UTF_8).replace("LONE", escape).getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, byte[]> corpus() {
        Map<String, byte[]> c = new LinkedHashMap<>();
        byte[] good = command(p -> { });
        c.put("trailing garbage", (new String(good, StandardCharsets.UTF_8) + " {\"x\":1}").getBytes(StandardCharsets.UTF_8));
        c.put("trailing text", (new String(good, StandardCharsets.UTF_8) + "xyz").getBytes(StandardCharsets.UTF_8));
        byte[] bom = new byte[good.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(good, 0, bom, 3, good.length);
        c.put("UTF-8 byte-order mark", bom);
        c.put("UTF-16 body", new String(good, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16));
        c.put("invalid UTF-8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        c.put("empty body", new byte[0]);
        c.put("null", "null".getBytes(StandardCharsets.UTF_8));
        c.put("a list", "[1,2]".getBytes(StandardCharsets.UTF_8));
        c.put("a string", "\"/qa check\"".getBytes(StandardCharsets.UTF_8));
        c.put("nested 200 deep", ("{\"a\":".repeat(200) + "1" + "}".repeat(200)).getBytes(StandardCharsets.UTF_8));
        c.put("duplicate key", "{\"action\":\"created\",\"action\":\"deleted\"}".getBytes(StandardCharsets.UTF_8));
        c.put("NaN", "{\"action\":\"created\",\"issue\":{\"number\":NaN}}".getBytes(StandardCharsets.UTF_8));
        c.put("issue.number missing", command(p -> at(p, "issue").remove("number")));
        c.put("issue.number null", command(p -> at(p, "issue").putNull("number")));
        c.put("issue.number negative", command(p -> at(p, "issue").put("number", -7)));
        c.put("issue.number zero", command(p -> at(p, "issue").put("number", 0)));
        c.put("issue.number huge", command(p -> at(p, "issue").put("number", new java.math.BigInteger("100000000000000000000000000000"))));
        c.put("issue.number a string", command(p -> at(p, "issue").put("number", "7")));
        c.put("issue.number fractional", command(p -> at(p, "issue").put("number", 7.5)));
        c.put("issue.number an object", command(p -> at(p, "issue").putObject("number")));
        c.put("issue missing", command(p -> p.remove("issue")));
        c.put("issue a string", command(p -> p.put("issue", "7")));
        c.put("repository missing", command(p -> p.remove("repository")));
        c.put("full_name path traversal", command(p -> at(p, "repository").put("full_name", "../../x")));
        c.put("full_name with a query", command(p -> at(p, "repository").put("full_name", "acme/shop?x=1")));
        c.put("full_name three parts", command(p -> at(p, "repository").put("full_name", "acme/shop/pulls")));
        c.put("full_name one part", command(p -> at(p, "repository").put("full_name", "acme")));
        c.put("full_name a dot part", command(p -> at(p, "repository").put("full_name", "acme/..")));
        c.put("full_name a number", command(p -> at(p, "repository").put("full_name", 42)));
        c.put("full_name with a space", command(p -> at(p, "repository").put("full_name", "acme/sh op")));
        c.put("comment.id missing", command(p -> at(p, "comment").remove("id")));
        c.put("comment.id a string", command(p -> at(p, "comment").put("id", "abc")));
        c.put("comment.id negative", command(p -> at(p, "comment").put("id", -5)));
        c.put("comment.id beyond 2^53", command(p -> at(p, "comment").put("id", 1L << 60)));
        c.put("comment.body a number", command(p -> at(p, "comment").put("body", 5)));
        c.put("comment.body over GitHub's limit", command(p -> at(p, "comment").put("body", "/qa " + "x".repeat(70_000))));
        // JSON escapes of unpaired surrogates: valid JSON syntax, not valid Unicode
        c.put("comment.body lone surrogate", escaped(command(p -> at(p, "comment").put("body", "/qa check LONE the cart")), "\\ud800"));
        c.put("sender.login lone surrogate", escaped(command(p -> at(p, "sender").put("login", "octoLONEcat")), "\\udc00"));
        c.put("sender missing", command(p -> p.remove("sender")));
        c.put("sender.login too long", command(p -> at(p, "sender").put("login", "x".repeat(500))));
        c.put("action a number", command(p -> p.put("action", 1)));
        c.put("association a list", command(p -> at(p, "comment").putArray("author_association")));
        c.put("installation.id a string", command(p -> p.putObject("installation").put("id", "1")));
        c.put("installation.id zero", command(p -> p.putObject("installation").put("id", 0)));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> noHostileCommentIsAnswered5xxStartsARunOrWritesAnything() {
        return corpus().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            fx.fakes.reset();
            int before = executions();
            byte[] body = e.getValue();

            HttpResponse<String> r = GitHubPayloads.send(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), body,
                    GitHubSignature.sign(GitHubPayloads.SECRET, body));

            assertThat(r.statusCode()).as(e.getKey() + " → " + r.body()).isBetween(200, 499).isNotEqualTo(202);
            assertThat(Scenarios.json(r.body()).fieldNames()).toIterable().as(r.body()).containsAnyOf("error", "ignored");
            assertThat(executions()).as("runs started").isEqualTo(before);
            assertThat(fx.fakes.github.findAll(anyRequestedFor(anyUrl())).stream().filter(q -> !q.getMethod().isOneOf(
                    com.github.tomakehurst.wiremock.http.RequestMethod.GET)).toList()).as("writes on GitHub").isEmpty();
            assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
        }));
    }

    private static byte[] note(Consumer<ObjectNode> change) {
        ObjectNode p = GitLabPayloads.command("/qa check the cart --url https://mr-7.example.dev");
        change.accept(p);
        return p.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, byte[]> gitlabCorpus() {
        Map<String, byte[]> c = new LinkedHashMap<>();
        c.put("note id missing", note(p -> at(p, "object_attributes").remove("id")));
        c.put("note id a string", note(p -> at(p, "object_attributes").put("id", "1244")));
        c.put("note text a list", note(p -> at(p, "object_attributes").putArray("note")));
        c.put("note lone surrogate", escaped(note(p -> at(p, "object_attributes").put("note", "/qa check LONE")), "\\udbff"));
        c.put("iid negative", note(p -> at(p, "merge_request").put("iid", -7)));
        c.put("iid missing", note(p -> ((ObjectNode) p).remove("merge_request")));
        c.put("project id a path", note(p -> at(p, "project").put("id", "acme/shop")));
        c.put("project id huge", note(p -> at(p, "project").put("id", new java.math.BigInteger("99999999999999999999"))));
        c.put("user id missing", note(p -> { at(p, "user").remove("id"); at(p, "object_attributes").remove("author_id"); }));
        c.put("discussion id with a path", note(p -> { at(p, "object_attributes").put("type", "DiscussionNote");
            at(p, "object_attributes").put("discussion_id", "../../notes"); }));
        c.put("system a string", note(p -> at(p, "object_attributes").put("system", "false")));
        c.put("trailing garbage", (new String(note(p -> { }), StandardCharsets.UTF_8) + "]").getBytes(StandardCharsets.UTF_8));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> noHostileGitLabNoteIsAnswered5xxStartsARunOrWritesAnything() {
        GitLabStubs.gitlab(fx.fakes.gitlab);
        return gitlabCorpus().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            fx.fakes.reset();
            GitLabStubs.gitlab(fx.fakes.gitlab);
            int before = executions();

            HttpResponse<String> r = GitLabPayloads.send(fx.url(), "Note Hook", GitLabPayloads.newDelivery(), e.getValue(), Map.of());

            assertThat(r.statusCode()).as(e.getKey() + " → " + r.body()).isBetween(200, 499).isNotEqualTo(202);
            assertThat(executions()).as("runs started").isEqualTo(before);
            assertThat(fx.fakes.gitlab.findAll(anyRequestedFor(anyUrl())).stream().filter(q -> !q.getMethod().isOneOf(
                    com.github.tomakehurst.wiremock.http.RequestMethod.GET)).toList()).as("writes on GitLab").isEmpty();
            assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
        }));
    }

    @Test
    void aGitLabIdempotencyKeyOf8KbIsRefused() throws Exception {
        var r = GitLabPayloads.send(fx.url(), "Note Hook", "k".repeat(8 * 1024), note(p -> { }), Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Scenarios.json(r.body()).path("error").asText()).contains("Idempotency-Key");
    }

    @Test
    void hostileHeadersAreRefusedBeforeAnythingIsRead() throws Exception {
        byte[] body = command(p -> { });
        String signature = GitHubSignature.sign(GitHubPayloads.SECRET, body);
        List<HttpResponse<String>> answers = new ArrayList<>();
        answers.add(GitHubPayloads.send(fx.url(), "issue_comment", "x".repeat(8 * 1024), body, signature));
        answers.add(GitHubPayloads.send(fx.url(), "issue_comment", "../../etc/passwd", body, signature));
        answers.add(GitHubPayloads.send(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), body, "sha256=" + "0".repeat(64)));
        answers.add(GitHubPayloads.send(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), body, "sha1=abc"));
        answers.add(GitHubPayloads.send(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), new byte[3 * 1024 * 1024], signature));

        assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(400, 400, 401, 401, 413);
        assertThat(fx.fakes.github.getAllServeEvents()).isEmpty();
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
    }

    @Test
    void zeroWidthAndLookalikeCommandWordsAreNotCommands() throws Exception {
        for (String text : List.of("/q\u200Ba check", "\u2215qa check", "/ｑａ check", "/qa\u00A0check".replace("\u00A0", "\u200B"))) {
            var r = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), GitHubPayloads.command(text));
            assertThat(r.statusCode()).as(text).isEqualTo(200);
            assertThat(Scenarios.json(r.body()).path("ignored").asText()).contains("no /qa command");
        }
        assertThat(fx.fakes.github.getAllServeEvents()).isEmpty();
    }

    @Test
    void aCommandLongerThanTheCapGetsOneReplySayingSoAndNeverReachesQaTech() throws Exception {
        var answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa " + "check the cart ".repeat(700)));
        fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(Scenarios.json(answer.body()).path("command").asText()).isEqualTo("invalid");
        var posted = fx.fakes.github.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(Scenarios.COMMENTS)));
        assertThat(posted).hasSize(1);
        assertThat(Scenarios.json(posted.get(0).getBodyAsString()).path("body").asText()).contains("10,499 characters", "the limit is 8,000");
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
    }

    @Test
    void aDeploymentWithHostileFieldsIsRefusedOrIgnoredWithoutARun() throws Exception {
        int before = executions();
        List<ObjectNode> deployments = new ArrayList<>();
        deployments.add(DeploymentPayloads.github("acme/shop", 1, "not-a-sha", "Preview", "success", Scenarios.PREVIEW));
        deployments.add(DeploymentPayloads.github("acme/shop", 1, GitHubPayloads.SHA, "Preview", "success", "javascript:alert(1)"));
        deployments.add(DeploymentPayloads.github("acme/shop", 1, GitHubPayloads.SHA, "Preview", "success", "https://u:p@evil.example/"));
        deployments.add(DeploymentPayloads.github("../x", 1, GitHubPayloads.SHA, "Preview", "success", Scenarios.PREVIEW));
        ObjectNode stringId = DeploymentPayloads.github("acme/shop", 1, GitHubPayloads.SHA, "Preview", "success", Scenarios.PREVIEW);
        ((ObjectNode) stringId.path("deployment")).put("id", "1");
        deployments.add(stringId);
        for (ObjectNode d : deployments) {
            var r = GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(), d);
            assertThat(r.statusCode()).as(r.body()).isBetween(200, 499).isNotEqualTo(202);
        }
        assertThat(executions()).isEqualTo(before);
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
    }

    private static int executions() {
        return fx.sfn.listExecutions(r -> r.stateMachineArn(fx.stack.stateMachineArn()).maxResults(1000)).executions().size();
    }
}
