package dev.qabridge.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.Log;
import dev.qabridge.core.PullRequest;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.TransientApiError;
import dev.qabridge.http.JsonHttp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The GitHub REST calls the bridge makes (github.com or Enterprise Server through {@code GITHUB_API_URL}). */
public final class GitHubClient {
    /** GitHub refuses longer comment bodies with 422 "Body is too long". */
    public static final int MAX_COMMENT = 65_536;

    private final JsonHttp http = new JsonHttp("GitHub", Duration.ofSeconds(5));
    private final String apiUrl;
    private final Map<String, String> headers;

    public GitHubClient(String apiUrl, String token) {
        this.apiUrl = apiUrl;
        this.headers = Map.of(
                "Authorization", "Bearer " + token,
                "Accept", "application/vnd.github+json",
                "X-GitHub-Api-Version", "2022-11-28",
                "User-Agent", "qa-bridge");
    }

    public PullRequest pull(String repo, long number) {
        JsonNode pr = call("GET", "/repos/" + repo + "/pulls/" + number, null);
        return new PullRequest(repo, number, pr.path("title").asText(""), pr.path("head").path("sha").asText(""),
                pr.path("head").path("ref").asText(""), pr.path("html_url").asText(""), pr.path("body").asText(""));
    }

    /** The numbers of the open pull requests whose head is {@code sha}: {@code GET /repos/{repo}/commits/{sha}/pulls}. */
    public List<Long> openPullsFor(String repo, String sha) {
        List<Long> numbers = new ArrayList<>();
        for (JsonNode pr : call("GET", "/repos/" + repo + "/commits/" + sha + "/pulls?per_page=30", null)) {
            if ("open".equals(pr.path("state").asText())) {
                numbers.add(pr.path("number").asLong());
            }
        }
        return numbers;
    }

    /** {@code GET /repos/{repo}}'s {@code default_branch}. */
    public String defaultBranch(String repo) {
        return call("GET", "/repos/" + repo, null).path("default_branch").asText("");
    }

    /**
     * A file's text at {@code ref}, via {@code GET /repos/{repo}/contents/{path}?ref=} (base64
     * {@code content}); empty when there is no such file (404).
     */
    public Optional<String> file(String repo, String path, String ref) {
        try {
            JsonNode f = call("GET", "/repos/" + repo + "/contents/" + path + "?ref=" + URLEncoder.encode(ref, StandardCharsets.UTF_8), null);
            if (!"file".equals(f.path("type").asText("file"))) {
                return Optional.empty();
            }
            return Optional.of(new String(Base64.getMimeDecoder().decode(f.path("content").asText("")), StandardCharsets.UTF_8));
        } catch (ApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The URL of the newest successful deployment of {@code sha}: deployments newest first, and in each
     * the newest {@code success} status ({@code environment_url}, else {@code target_url}).
     */
    public Optional<String> deployedUrl(String repo, String sha) {
        JsonNode deployments = call("GET", "/repos/" + repo + "/deployments?sha=" + sha + "&per_page=5", null);
        for (JsonNode d : deployments) {
            JsonNode statuses = call("GET", "/repos/" + repo + "/deployments/" + d.path("id").asLong() + "/statuses?per_page=20", null);
            for (JsonNode s : statuses) {
                if ("success".equals(s.path("state").asText())) {
                    String url = s.path("environment_url").asText("");
                    return Optional.of(url.isBlank() ? s.path("target_url").asText("") : url).filter(u -> !u.isBlank());
                }
            }
        }
        return Optional.empty();
    }

    public ReviewThread thread(String repo, long number) {
        return new Thread(repo, number);
    }

    private JsonNode call(String method, String path, Object body) {
        try {
            return http.call(method, apiUrl + path, headers, body);
        } catch (ApiException e) {
            // GitHub answers an exhausted rate limit with 403: that one passes by itself too
            throw e.status() == 403 && e.detail().toLowerCase().contains("rate limit")
                    ? new TransientApiError(e.getMessage(), e) : e.forStateMachine();
        }
    }

    private final class Thread implements ReviewThread {
        private final String repo;
        private final long number;

        Thread(String repo, long number) {
            this.repo = repo;
            this.number = number;
        }

        @Override
        public String post(String markdown) {
            return call("POST", "/repos/" + repo + "/issues/" + number + "/comments", Map.of("body", markdown)).path("id").asText();
        }

        @Override
        public boolean edit(String commentId, String markdown) {
            try {
                call("PATCH", "/repos/" + repo + "/issues/comments/" + commentId, Map.of("body", markdown));
                return true;
            } catch (ApiException e) {
                Log.warn("github.edit_failed", null, null, "status", e.status(), "comment", commentId);
                return false;
            }
        }

        @Override
        public void react(String commentId, Reaction reaction) {
            try {
                call("POST", "/repos/" + repo + "/issues/comments/" + commentId + "/reactions",
                        Map.of("content", reaction.name().toLowerCase(java.util.Locale.ROOT)));
            } catch (RuntimeException e) {
                Log.warn("github.reaction_failed", null, null, "reaction", reaction, "error", e.getMessage());
            }
        }

        @Override
        public int maxCommentLength() {
            return MAX_COMMENT;
        }
    }
}
