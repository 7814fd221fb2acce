package dev.qabridge.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.CommandParser;
import dev.qabridge.core.Platform;
import dev.qabridge.core.StatusReport;
import dev.qabridge.core.Strings;
import dev.qabridge.core.Log;
import dev.qabridge.core.Origin;
import dev.qabridge.core.Redaction;
import dev.qabridge.core.Person;
import dev.qabridge.core.PullRequest;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.Settings;
import dev.qabridge.core.TransientApiError;
import dev.qabridge.http.JsonHttp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.qabridge.http.JsonHttp.query;
import static dev.qabridge.http.JsonHttp.segment;

/**
 * The GitHub REST calls the bridge makes (github.com or Enterprise Server through {@code GITHUB_API_URL}).
 * Every path segment taken from a payload is percent-encoded; a refusal that stops a command carries
 * the permission the token (or in App mode the App) lacks.
 */
public final class GitHubClient implements CodeHost {
    /** GitHub refuses longer comment bodies with 422 "Body is too long". */
    public static final int MAX_COMMENT = 65_536;

    private final JsonHttp http = new JsonHttp("GitHub", Duration.ofSeconds(5));
    private final String apiUrl;
    private final GitHubAuth auth;

    /** {@code auth}: the token that speaks for an installation (token mode: the same one for every installation id). */
    public GitHubClient(String apiUrl, GitHubAuth auth) {
        this.apiUrl = apiUrl;
        this.auth = auth;
    }

    public GitHubClient(String apiUrl, String token) {
        this(apiUrl, new GitHubTokenAuth(token, Optional.empty()));
    }

    /** How this client authenticates (token or App mode), e.g. for the bridge's own login. */
    public GitHubAuth auth() {
        return auth;
    }

    @Override
    public Platform platform() {
        return Platform.GITHUB;
    }

    @Override
    public PullRequest pullRequest(Origin where) {
        return pull(where.repo(), call(where, "GET", repo(where) + "/pulls/" + where.number(), null, "Pull requests: read"));
    }

    /**
     * {@code GET /pulls/{n}} with {@code Accept: application/vnd.github.diff}; GitHub refuses a very large diff (406), and
     * then the diff is put together from {@code GET /pulls/{n}/files} (100 a page, at most 3,000 files, each file's
     * {@code patch}: GitHub leaves it out for binary and very large files).
     */
    @Override
    public String diff(Origin where) {
        try {
            return explained(where, "Pull requests: read", token -> {
                Map<String, String> headers = new java.util.HashMap<>(headers(token));
                headers.put("Accept", "application/vnd.github.diff");
                return http.text(apiUrl + repo(where) + "/pulls/" + where.number(), headers, MAX_DIFF_READ).body();
            });
        } catch (ApiException e) {
            if (e.status() != 406) {
                throw e;
            }
        }
        StringBuilder diff = new StringBuilder();
        for (int page = 1; page <= 30 && diff.length() < MAX_DIFF_READ; page++) {
            JsonNode files = call(where, "GET", repo(where) + "/pulls/" + where.number() + "/files?per_page=100&page=" + page, null,
                    "Pull requests: read");
            for (JsonNode f : files) {
                String name = f.path("filename").asText("");
                String before = f.path("previous_filename").asText(name);
                diff.append("diff --git a/").append(before).append(" b/").append(name).append("\n");
                diff.append(f.has("patch") ? "--- a/" + before + "\n+++ b/" + name + "\n" + f.path("patch").asText("") + "\n"
                        : "Binary files a/" + before + " and b/" + name + " differ\n");
            }
            if (files.size() < 100) {
                break;
            }
        }
        return diff.toString();
    }

    /** A pull request as the REST API returns it; a head repository that is gone or another one is a fork. */
    private static PullRequest pull(String repo, JsonNode pr) {
        JsonNode head = pr.path("head").path("repo");
        boolean fork = head.isNull()
                || head.isObject() && !head.path("full_name").asText("").equalsIgnoreCase(pr.path("base").path("repo").path("full_name").asText(repo));
        List<String> labels = new ArrayList<>();
        for (JsonNode label : pr.path("labels")) {
            if (labels.size() < PullRequest.MAX_LABELS && label.path("name").isTextual()) {
                labels.add(label.path("name").asText());
            }
        }
        return new PullRequest(repo, pr.path("number").asLong(), pr.path("title").asText(""), pr.path("head").path("sha").asText(""),
                pr.path("head").path("ref").asText(""), pr.path("html_url").asText(""), pr.path("body").asText(""),
                new Person(pr.path("user").path("login").asText(""), pr.path("user").path("id").asLong(0),
                        pr.path("author_association").asText("NONE")),
                fork, new PullRequest.Traits(pr.path("draft").asBoolean(false), List.copyOf(labels),
                        "Bot".equals(pr.path("user").path("type").asText("")), pr.path("base").path("ref").asText("")));
    }

    /**
     * {@code GET /pulls/{n}/files}, 100 a page, at most 30 pages (GitHub lists no more than 3,000 files); a renamed file under
     * both its names. Incomplete when the thirtieth page is full: GitHub lists no more, so there may be more.
     */
    @Override
    public ChangedFiles changedFiles(Origin where) {
        List<String> paths = new ArrayList<>();
        int count = 0;
        boolean more = false;
        for (int page = 1; page <= MAX_CHANGED_FILES / 100; page++) {
            JsonNode files = call(where, "GET", repo(where) + "/pulls/" + where.number() + "/files?per_page=100&page=" + page, null,
                    "Pull requests: read");
            for (JsonNode f : files) {
                count++;
                paths.add(f.path("filename").asText(""));
                if (f.path("previous_filename").isTextual()) {
                    paths.add(f.path("previous_filename").asText());
                }
            }
            more = files.size() >= 100;
            if (!more) {
                break;
            }
        }
        return new ChangedFiles(List.copyOf(paths), count, !more);
    }

    /**
     * {@code GET /deployments?sha=} (newest first), the first whose environment {@code environments} accepts and whose
     * statuses ({@code GET /deployments/{id}/statuses}, newest first) include a success with a URL.
     */
    @Override
    public Optional<Deployed> deploymentOf(Origin where, String sha, java.util.function.Predicate<String> environments) {
        JsonNode deployments = call(where, "GET", repo(where) + "/deployments?sha=" + query(sha) + "&per_page=30", null, "Deployments: read");
        for (JsonNode d : deployments) {
            String environment = d.path("environment").asText("");
            if (!environments.test(environment)) {
                continue;
            }
            JsonNode statuses = call(where, "GET", repo(where) + "/deployments/" + d.path("id").asLong() + "/statuses?per_page=20", null,
                    "Deployments: read");
            for (JsonNode s : statuses) {
                if ("success".equals(s.path("state").asText())) {
                    String url = s.path("environment_url").asText("");
                    url = url.isBlank() ? s.path("target_url").asText("") : url;
                    if (CommandParser.isHttpUrl(url)) {
                        return Optional.of(new Deployed(String.valueOf(d.path("id").asLong()), environment, url));
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public List<PullRequest> openPullRequestsFor(Origin repository, String sha) {
        List<PullRequest> open = new ArrayList<>();
        for (JsonNode pr : call(repository, "GET", repo(repository) + "/commits/" + segment(sha) + "/pulls?per_page=30", null,
                "Pull requests: read")) {
            if ("open".equals(pr.path("state").asText()) && pr.path("number").canConvertToLong() && pr.path("number").asLong() > 0) {
                open.add(pull(repository.repo(), pr));
            }
        }
        return open;
    }

    @Override
    public Optional<String> settingsFile(Origin repository, String defaultBranch) {
        String ref = defaultBranch.isBlank()
                ? call(repository, "GET", repo(repository), null, "Metadata: read").path("default_branch").asText("")
                : defaultBranch;
        return find(repository, repo(repository) + "/contents/" + settingsPath() + "?ref=" + query(ref), "Contents: read")
                .filter(f -> "file".equals(f.path("type").asText("file")))
                .map(f -> new String(Base64.getMimeDecoder().decode(f.path("content").asText("")), StandardCharsets.UTF_8));
    }

    /**
     * The comment's {@code author_association} must be one of the trusted ones. Without one (a Re-run
     * click carries none), the person's permission on the repository decides: write, maintain or admin
     * ({@code GET /repos/{o}/{r}/collaborators/{username}/permission}).
     */
    @Override
    public Optional<String> whyNotTrusted(Origin where, Person who, java.util.function.Supplier<Settings> settings) {
        if (who.association().isEmpty()) {
            // A user who is no collaborator at all gets 404: no permission, not an error
            JsonNode p = find(where, repo(where) + "/collaborators/" + segment(who.login()) + "/permission", "Metadata: read")
                    .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
            String permission = p.path("permission").asText("none");
            String role = p.path("role_name").asText(permission);
            return Set.of("admin", "maintain", "write").contains(role) || Set.of("admin", "write").contains(permission) ? Optional.empty()
                    : Optional.of(who.login() + " has the " + role + " role on " + where.repo() + "; runs need write access");
        }
        String association = who.association().toUpperCase(Locale.ROOT);
        return settings.get().trusted().associations().contains(association) ? Optional.empty()
                : Optional.of("commenter " + who.login() + " is " + association + ", not one of QA_ALLOWED_ASSOCIATIONS");
    }

    /**
     * The URL of the newest successful deployment of the PR's head: deployments newest first, and in each
     * the newest {@code success} status ({@code environment_url}, else {@code target_url}).
     */
    @Override
    public Optional<String> deployedUrl(Origin where, PullRequest pr) {
        JsonNode deployments = call(where, "GET", repo(where) + "/deployments?sha=" + query(pr.headSha()) + "&per_page=5", null,
                "Deployments: read");
        for (JsonNode d : deployments) {
            JsonNode statuses = call(where, "GET", repo(where) + "/deployments/" + d.path("id").asLong() + "/statuses?per_page=20", null,
                    "Deployments: read");
            for (JsonNode s : statuses) {
                if ("success".equals(s.path("state").asText())) {
                    String url = s.path("environment_url").asText("");
                    return Optional.of(url.isBlank() ? s.path("target_url").asText("") : url).filter(u -> !u.isBlank());
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public ReviewThread thread(Origin where) {
        return new Thread(where);
    }

    /** GitHub's limit on a commit status's description. */
    static final int STATUS_DESCRIPTION = 140;
    /**
     * GitHub's limit on each of a check run's output title, summary and text. Its documentation says
     * characters, but it counts UTF-8 bytes: a longer field is refused with 422 "text exceeds a maximum
     * bytesize of 65535" (github/docs#35252), and the check run would stay in progress.
     */
    static final int CHECK_OUTPUT_BYTES = 65_535;
    /** Ends an output field that had to be shortened; the whole answer is behind the check run's Details link. */
    static final String SHORTENED = "\n\n… shortened to GitHub's limit: the conversation (Details) has all of it.";

    /**
     * Token mode: {@code POST /repos/{o}/{r}/statuses/{sha}}. App mode: a check run, created
     * ({@code POST /repos/{o}/{r}/check-runs}) and then completed ({@code PATCH …/check-runs/{id}}).
     * The texts quote the request, which may hold a pasted secret: they are redacted, and only then cut
     * to length, so a cut can never leave the start of a secret the redactor would have recognised.
     */
    @Override
    public String report(Origin where, String sha, StatusReport report, String checkRunId) {
        if (!auth.app()) {
            String state = switch (report.state()) {
                case RUNNING -> "pending";
                case SUCCESS, SKIPPED -> "success";
                case FAILURE -> "failure";
                case NEUTRAL, ERROR, TIMED_OUT, CANCELLED -> "error";
            };
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("state", state);
            body.put("context", report.context());
            body.put("description", Strings.clip(Redaction.apply(report.description()), STATUS_DESCRIPTION));
            if (CommandParser.isHttpUrl(report.targetUrl())) {
                body.put("target_url", report.targetUrl());
            }
            call(where, "POST", repo(where) + "/statuses/" + segment(sha), body, "Commit statuses: write");
            return "";
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("name", report.context());
        body.put("external_id", report.externalId());
        if (CommandParser.isHttpUrl(report.targetUrl())) {
            body.put("details_url", report.targetUrl());
        }
        if (report.running()) {
            body.put("status", "in_progress");
        } else {
            body.put("status", "completed");
            body.put("conclusion", switch (report.state()) {
                case SUCCESS -> "success";
                case NEUTRAL -> "neutral";
                case TIMED_OUT -> "timed_out";
                case CANCELLED -> "cancelled";
                case SKIPPED -> "skipped";
                case FAILURE, ERROR, RUNNING -> "failure";
            });
        }
        Map<String, Object> output = new java.util.LinkedHashMap<>();
        output.put("title", clipUtf8(Redaction.apply(report.title()), CHECK_OUTPUT_BYTES));
        output.put("summary", clipUtf8(Redaction.apply(report.summary().isEmpty() ? report.description() : report.summary()),
                CHECK_OUTPUT_BYTES));
        if (!report.text().isEmpty()) {
            output.put("text", clipUtf8(Redaction.apply(report.text()), CHECK_OUTPUT_BYTES));
        }
        body.put("output", output);
        if (report.offersRerunFailed()) {
            // label ≤ 20, description ≤ 40, identifier ≤ 20 characters; a click is a check_run requested_action delivery
            body.put("actions", List.of(Map.of("label", "Re-run failed tests", "description", "Run only the failed tests again",
                    "identifier", StatusReport.RERUN_FAILED)));
        }
        if (checkRunId.isEmpty()) {
            body.put("head_sha", sha);
            return call(where, "POST", repo(where) + "/check-runs", body, "Checks: write").path("id").asText();
        }
        call(where, "PATCH", repo(where) + "/check-runs/" + segment(checkRunId), body, "Checks: write");
        return checkRunId;
    }

    /** {@code s} within {@code maxBytes} of UTF-8, cut between characters and ending in {@link #SHORTENED} when cut. */
    static String clipUtf8(String s, int maxBytes) {
        if (utf8Length(s) <= maxBytes) {
            return s;
        }
        int budget = maxBytes - utf8Length(SHORTENED);
        int end = 0;
        for (int used = 0; end < s.length(); ) {
            int cp = s.codePointAt(end);
            used += utf8Bytes(cp);
            if (used > budget) {
                break;
            }
            end += Character.charCount(cp);
        }
        return s.substring(0, end) + SHORTENED;
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            bytes += utf8Bytes(cp);
            i += Character.charCount(cp);
        }
        return bytes;
    }

    /** A lone surrogate counts as the 3 bytes of U+FFFD, more than the "?" Java writes for it: never an underestimate. */
    private static int utf8Bytes(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }

    private static String repo(Origin where) {
        int slash = where.repo().indexOf('/');
        return "/repos/" + segment(where.repo().substring(0, slash)) + "/" + segment(where.repo().substring(slash + 1));
    }

    private Map<String, String> headers(String token) {
        return Map.of(
                "Authorization", "Bearer " + token,
                "Accept", "application/vnd.github+json",
                "X-GitHub-Api-Version", "2022-11-28",
                "User-Agent", "qa-bridge");
    }

    /** One call; a refusal names {@code permission}, the fine-grained permission that allows it. */
    private JsonNode call(Origin where, String method, String path, Object body, String permission) {
        return explained(where, permission, token -> http.call(method, apiUrl + path, headers(token), body));
    }

    /** A GET of something that may not exist: empty on 404 (not counted as an API error). */
    private Optional<JsonNode> find(Origin where, String path, String permission) {
        return explained(where, permission, token -> http.find(apiUrl + path, headers(token)));
    }

    private <T> T explained(Origin where, String permission, java.util.function.Function<String, T> call) {
        String token = auth.token(where.installationId());
        try {
            try {
                return call.apply(token);
            } catch (ApiException e) {
                if (e.status() != 401 || !auth.app()) {
                    throw e;
                }
                // An installation token GitHub no longer takes (revoked, App reinstalled): one more try with a new one
                auth.refused(where.installationId(), token);
                return call.apply(auth.token(where.installationId()));
            }
        } catch (ApiException e) {
            // GitHub answers an exhausted rate limit with 403 (or 429): that one passes by itself
            if ((e.status() == 403 || e.status() == 429) && e.detail().toLowerCase(Locale.ROOT).contains("rate limit")) {
                throw new TransientApiError(e.getMessage(), e);
            }
            ApiException explained = e.status() == 401 ? e.withHint(auth.app()
                    ? "GitHub refused the App's token for installation " + where.installationId() + ": is the App still installed there?"
                    : "the bridge's GitHub token is invalid or expired")
                    : e.status() == 403 || e.status() == 404 ? e.withHint(auth.app()
                    ? "the GitHub App needs " + permission + " on " + where.repo()
                            + ": App settings → Permissions & events, then the installation accepts the change"
                    : "the token needs " + permission + " on " + where.repo())
                    : e;
            throw explained.forStateMachine();
        }
    }

    private final class Thread implements ReviewThread {
        private final Origin where;

        Thread(Origin where) {
            this.where = where;
        }

        @Override
        public String post(String markdown) {
            return call(where, "POST", repo(where) + "/issues/" + where.number() + "/comments", Map.of("body", markdown),
                    "Issues: write and Pull requests: write").path("id").asText();
        }

        @Override
        public void edit(String commentId, String markdown) {
            call(where, "PATCH", repo(where) + "/issues/comments/" + segment(commentId), Map.of("body", markdown),
                    "Issues: write and Pull requests: write");
        }

        @Override
        public void react(String commentId, Reaction reaction) {
            try {
                call(where, "POST", repo(where) + "/issues/comments/" + segment(commentId) + "/reactions",
                        Map.of("content", reaction.name().toLowerCase(Locale.ROOT)), "Issues: write");
            } catch (RuntimeException e) {
                Log.warn("github.reaction_failed", null, null, "reaction", reaction, "error", e.getMessage());
            }
        }

        @Override
        public Optional<String> read(String commentId) {
            return find(where, repo(where) + "/issues/comments/" + segment(commentId), "Issues: read").map(c -> c.path("body").asText(""));
        }

        @Override
        public Optional<String> findMarked(String marker, java.time.Instant since) {
            JsonNode comments = call(where, "GET", repo(where) + "/issues/" + where.number() + "/comments?since="
                    + query(since.toString()) + "&per_page=100", null, "Issues: read");
            for (JsonNode c : comments) {
                if (c.path("body").asText("").contains(marker)) {
                    return Optional.of(c.path("id").asText());
                }
            }
            return Optional.empty();
        }

        @Override
        public int maxCommentLength() {
            return MAX_COMMENT;
        }
    }
}
