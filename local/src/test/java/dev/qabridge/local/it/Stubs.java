package dev.qabridge.local.it;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/** The answers the QA.tech and GitHub fakes give, in the shapes their documentation shows. */
final class Stubs {
    static final long STATUS_COMMENT_ID = 9001;
    /** The check run id {@link #checkRuns} answers with. */
    static final long CHECK_RUN_ID = 4_100_000_001L;

    private Stubs() {}

    static void github(WireMockServer gh, String previewUrl) {
        github(gh, GitHubPayloads.REPO, previewUrl);
    }

    /** As {@link #github(WireMockServer, String)}, for PR #7 of another repository ({@code owner/name}). */
    static void github(WireMockServer gh, String repo, String previewUrl) {
        gh.stubFor(get(urlPathEqualTo("/repos/" + repo + "/pulls/" + GitHubPayloads.PR)).willReturn(okJson("""
                {"number": %d, "title": "Cart: recompute totals", "html_url": "https://github.com/%s/pull/%d",
                 "body": "Totals are now recomputed on every change.", "user": {"login": "octocat", "id": 1}, "author_association": "MEMBER",
                 "head": {"sha": "%s", "ref": "feature/cart-totals", "repo": {"full_name": "%s"}},
                 "base": {"ref": "main", "repo": {"full_name": "%s"}}}
                """.formatted(GitHubPayloads.PR, repo, GitHubPayloads.PR, GitHubPayloads.SHA, repo, repo))));
        if (previewUrl == null) {
            gh.stubFor(get(urlPathEqualTo("/repos/" + repo + "/deployments")).willReturn(okJson("[]")));
        } else {
            gh.stubFor(get(urlPathEqualTo("/repos/" + repo + "/deployments")).willReturn(okJson("""
                    [{"id": 42, "sha": "%s", "environment": "Preview"}]""".formatted(GitHubPayloads.SHA))));
            gh.stubFor(get(urlPathEqualTo("/repos/" + repo + "/deployments/42/statuses")).willReturn(okJson("""
                    [{"id": 2, "state": "success", "environment_url": "%s", "target_url": "https://vercel.com/acme/shop/x"},
                     {"id": 1, "state": "pending", "environment_url": ""}]""".formatted(previewUrl))));
        }
        gh.stubFor(post(urlPathEqualTo("/repos/" + repo + "/issues/" + GitHubPayloads.PR + "/comments"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\": " + STATUS_COMMENT_ID + "}")));
        gh.stubFor(patch(urlPathMatching("/repos/" + repo + "/issues/comments/\\d+"))
                .willReturn(okJson("{\"id\": " + STATUS_COMMENT_ID + "}")));
        gh.stubFor(post(urlPathMatching("/repos/" + repo + "/statuses/[0-9a-f]{40}")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\": 1, \"state\": \"pending\", \"context\": \"qa-bridge\"}")));
        gh.stubFor(post(urlPathMatching("/repos/" + repo + "/issues/comments/\\d+/reactions"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\": 1}")));
    }

    /**
     * GitHub App mode: {@code POST /repos/{repo}/check-runs} creates check run {@link #CHECK_RUN_ID} (201) and
     * {@code PATCH …/check-runs/{id}} updates it (200), each answering with a check run shaped as GitHub's;
     * the bridge reads only its id.
     */
    static void checkRuns(WireMockServer gh, String repo) {
        String checkRun = """
                {"id": %d, "node_id": "CR_kwDOfake", "head_sha": "%s", "external_id": "", "status": "in_progress", "conclusion": null,
                 "name": "qa-bridge", "html_url": "https://github.com/%s/runs/%d", "details_url": "https://app.qa.tech/",
                 "started_at": "2026-11-26T10:00:00Z", "completed_at": null,
                 "output": {"title": null, "summary": null, "text": null, "annotations_count": 0, "annotations_url": ""},
                 "app": {"id": %d, "slug": "%s"}, "pull_requests": []}""".formatted(CHECK_RUN_ID, GitHubPayloads.SHA, repo, CHECK_RUN_ID,
                StackFixture.APP_ID, GitHubAppFake.SLUG);
        gh.stubFor(post(urlPathEqualTo("/repos/" + repo + "/check-runs")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(checkRun)));
        gh.stubFor(patch(urlPathEqualTo("/repos/" + repo + "/check-runs/" + CHECK_RUN_ID)).willReturn(okJson(checkRun)));
    }

    static void chatStarted(WireMockServer qa, String chatId) {
        qa.stubFor(post(urlPathEqualTo("/v1/chat")).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody(conversation(chatId, ""))));
    }

    /** As {@link #chatStarted}, only for a message that contains {@code text}: runs started side by side get their own conversations. */
    static void chatStartedFor(WireMockServer qa, String text, String chatId) {
        qa.stubFor(post(urlPathEqualTo("/v1/chat")).withRequestBody(containing(text)).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody(conversation(chatId, ""))));
    }

    /** Successive answers of {@code GET /v1/chat/{id}}: each body in turn, the last one repeated. */
    static void chatPolls(WireMockServer qa, String chatId, Answer... answers) {
        String state = Scenario.STARTED;
        for (int i = 0; i < answers.length; i++) {
            String next = i + 1 < answers.length ? "poll-" + (i + 1) : state;
            qa.stubFor(get(urlPathEqualTo("/v1/chat/" + chatId)).inScenario("polls-" + chatId)
                    .whenScenarioStateIs(state)
                    .willReturn(aResponse().withStatus(answers[i].status()).withHeader("Content-Type", "application/json")
                            .withBody(answers[i].body()))
                    .willSetStateTo(next));
            state = next;
        }
    }

    record Answer(int status, String body) {}

    static Answer running(String chatId) {
        return new Answer(200, conversation(chatId, """
                {"id": "m2", "role": "assistant", "createdAt": "2026-11-26T10:00:05Z", "text": "Opening the preview…", "status": "PARTIAL", "isStreaming": true},
                """ + userMessage()));
    }

    static Answer onlyUserMessage(String chatId) {
        return new Answer(200, conversation(chatId, userMessage()));
    }

    static Answer finished(String chatId, String status, String text) {
        return new Answer(200, conversation(chatId, """
                {"id": "m2", "role": "assistant", "createdAt": "2026-11-26T10:01:00Z", "text": %s, "status": "%s", "isStreaming": false},
                """.formatted(dev.qabridge.http.JsonHttp.JSON.valueToTree(text).toString(), status) + userMessage()));
    }

    /** A completed answer that ends with the verdict line the bridge asks for: {@code Verdict: PASS}. */
    static Answer passed(String chatId, String text) {
        return finished(chatId, "COMPLETED", text + "\n\nVerdict: PASS");
    }

    /**
     * A pull request as {@code GET /repos/{repo}/pulls/{number}} (and {@code commits/{sha}/pulls}) returns it: opened by
     * {@code author} with that {@code author_association}, its head in {@code headRepo} (another repository than
     * {@code repo}: a fork).
     */
    static String pull(String repo, long number, String headSha, String author, String association, String headRepo, String title,
                       String body) {
        var p = dev.qabridge.http.JsonHttp.JSON.createObjectNode();
        p.put("number", number).put("state", "open").put("title", title).put("body", body)
                .put("html_url", "https://github.com/" + repo + "/pull/" + number).put("author_association", association);
        p.putObject("user").put("login", author).put("id", Math.abs(author.hashCode())).put("type", "User");
        var head = p.putObject("head").put("sha", headSha).put("ref", "feature/cart-totals");
        head.putObject("repo").put("full_name", headRepo);
        var base = p.putObject("base").put("ref", "main");
        base.putObject("repo").put("full_name", repo);
        return p.toString();
    }

    /** {@code GET /repos/{repo}/pulls/{number}} answers {@code pull} (made by {@link #pull}). */
    static void pullRequest(WireMockServer gh, String repo, long number, String pull) {
        gh.stubFor(get(urlPathEqualTo("/repos/" + repo + "/pulls/" + number)).willReturn(okJson(pull)));
    }

    /** {@code GET /repos/{repo}/commits/{sha}/pulls}: the pull requests a deployed commit belongs to. */
    static void commitPulls(WireMockServer gh, String repo, String sha, String... pulls) {
        gh.stubFor(get(urlPathEqualTo("/repos/" + repo + "/commits/" + sha + "/pulls"))
                .willReturn(okJson("[" + String.join(",", pulls) + "]")));
    }

    /** {@code .github/qa-bridge.yml} on {@code repo}'s default branch ({@code main}), as the contents API returns a file. */
    static void settingsFile(WireMockServer gh, String repo, String yaml) {
        gh.stubFor(get(urlPathEqualTo("/repos/" + repo + "/contents/.github/qa-bridge.yml"))
                .withQueryParam("ref", com.github.tomakehurst.wiremock.client.WireMock.equalTo("main"))
                .willReturn(okJson(fileContents(".github/qa-bridge.yml", yaml))));
    }

    /** A file as GitHub's contents API (and, with the same fields, GitLab's repository files API) returns it: base64. */
    static String fileContents(String path, String text) {
        var f = dev.qabridge.http.JsonHttp.JSON.createObjectNode();
        f.put("type", "file").put("encoding", "base64").put("name", path.substring(path.lastIndexOf('/') + 1)).put("path", path)
                .put("file_path", path)
                .put("content", java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return f.toString();
    }

    /**
     * Everything the bridge writes in {@code repo}, answered as GitHub does: the status comment (id
     * {@link #STATUS_COMMENT_ID}) and its edits, reactions, commit statuses; no settings file (404).
     */
    static void writableRepo(WireMockServer gh, String repo) {
        gh.stubFor(post(urlPathMatching("/repos/" + repo + "/issues/\\d+/comments"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\": " + STATUS_COMMENT_ID + "}")));
        gh.stubFor(patch(urlPathMatching("/repos/" + repo + "/issues/comments/\\d+"))
                .willReturn(okJson("{\"id\": " + STATUS_COMMENT_ID + "}")));
        gh.stubFor(post(urlPathMatching("/repos/" + repo + "/issues/comments/\\d+/reactions"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\": 1}")));
        gh.stubFor(post(urlPathMatching("/repos/" + repo + "/statuses/[0-9a-f]{40}")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\": 1, \"state\": \"pending\", \"context\": \"qa-bridge\"}")));
        gh.stubFor(get(urlPathEqualTo("/repos/" + repo + "/contents/.github/qa-bridge.yml"))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\": \"Not Found\"}")));
    }

    /** {@code POST /v1/chat} refuses with {@code status} and QA.tech's error shape, {@code {"message": …}}. */
    static void chatRefused(WireMockServer qa, int status, String message) {
        qa.stubFor(post(urlPathEqualTo("/v1/chat")).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(dev.qabridge.http.JsonHttp.JSON.createObjectNode().put("message", message).toString())));
    }

    /** A completed answer that ends with {@code Verdict: FAIL}. */
    static Answer failedVerdict(String chatId, String text) {
        return finished(chatId, "COMPLETED", text + "\n\nVerdict: FAIL");
    }

    static Answer error(int status) {
        return new Answer(status, "{\"message\": \"upstream unavailable\"}");
    }

    private static String userMessage() {
        return """
                {"id": "m1", "role": "user", "createdAt": "2026-11-26T10:00:00Z", "text": "check the cart", "status": "COMPLETED", "isStreaming": false}""";
    }

    static String conversation(String chatId, String messages) {
        return """
                {"shortId": "%s", "url": "https://app.qa.tech/p/proj_demo/chat/%s", "title": null, "createdAt": "2026-11-26T10:00:00Z",
                 "updatedAt": "2026-11-26T10:00:00Z", "source": "api", "messages": [%s]}""".formatted(chatId, chatId, messages);
    }
}
