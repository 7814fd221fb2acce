package dev.qabridge.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Log;
import dev.qabridge.core.Origin;
import dev.qabridge.core.Person;
import dev.qabridge.core.Platform;
import dev.qabridge.core.PullRequest;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.Settings;
import dev.qabridge.core.StatusReport;
import dev.qabridge.http.JsonHttp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static dev.qabridge.http.JsonHttp.query;
import static dev.qabridge.http.JsonHttp.segment;

/**
 * The GitLab REST v4 calls the bridge makes (GitLab.com or a self-managed instance through
 * {@code GITLAB_API_URL}), authenticated with {@code PRIVATE-TOKEN} (personal, project or group
 * access token with the {@code api} scope). Projects are addressed by their numeric id; every path
 * segment taken from a payload is percent-encoded.
 */
public final class GitLabClient implements CodeHost {
    /**
     * GitLab refuses notes over 1,000,000 characters. We stop at a tenth of that: GitLab renders a
     * note's Markdown on every page view and large notes make the MR page slow, while the full
     * answer stays one click away in the conversation link that every reply keeps.
     */
    public static final int MAX_NOTE = 100_000;

    /** Deployments read per lookup: the newest successful ones are enough to find this MR's. */
    static final int DEPLOYMENTS_PAGE = 50;
    private static final String NEEDS = "the token needs the api scope and at least the Developer role on the project";

    private final JsonHttp http = new JsonHttp("GitLab", Duration.ofSeconds(5));
    private final String apiUrl;
    private final java.util.function.Supplier<String> token;

    /** {@code token}: read on every call, so a rotated token is used as soon as the secrets are read again. */
    public GitLabClient(String apiUrl, java.util.function.Supplier<String> token) {
        this.apiUrl = apiUrl;
        this.token = token;
    }

    public GitLabClient(String apiUrl, String token) {
        this(apiUrl, () -> token);
    }

    @Override
    public Platform platform() {
        return Platform.GITLAB;
    }

    /**
     * {@code GET /projects/:id/merge_requests/:iid/diffs} (100 a page, until a short page), put together as one unified
     * diff; a file GitLab gives no diff for (binary, too large, collapsed) is named as binary.
     */
    @Override
    public String diff(Origin where) {
        StringBuilder diff = new StringBuilder();
        for (int page = 1; page <= 30 && diff.length() < MAX_DIFF_READ; page++) {
            JsonNode files = call("GET", project(where) + "/merge_requests/" + where.number() + "/diffs?per_page=100&page=" + page, null);
            for (JsonNode f : files) {
                String before = f.path("old_path").asText("");
                String after = f.path("new_path").asText(before);
                String text = f.path("diff").asText("");
                diff.append("diff --git a/").append(before).append(" b/").append(after).append("\n");
                diff.append(text.isEmpty() || f.path("too_large").asBoolean(false) || f.path("collapsed").asBoolean(false)
                        ? "Binary files a/" + before + " and b/" + after + " differ\n"
                        : "--- " + (f.path("new_file").asBoolean(false) ? "/dev/null" : "a/" + before) + "\n+++ "
                                + (f.path("deleted_file").asBoolean(false) ? "/dev/null" : "b/" + after) + "\n" + text
                                + (text.endsWith("\n") ? "" : "\n"));
            }
            if (files.size() < 100) {
                break;
            }
        }
        return diff.toString();
    }

    /** {@code GET /projects/:id/merge_requests/:iid}: head sha, source branch, title, web URL. */
    @Override
    public PullRequest pullRequest(Origin where) {
        return mergeRequest(where.repo(), call("GET", project(where) + "/merge_requests/" + where.number(), null));
    }

    /** A merge request as the REST API returns it; one whose source project is another project comes from a fork. */
    private static PullRequest mergeRequest(String repo, JsonNode mr) {
        List<String> labels = new ArrayList<>();
        for (JsonNode label : mr.path("labels")) {
            // names by default; objects with with_labels_details
            String name = label.isTextual() ? label.asText() : label.path("name").asText("");
            if (labels.size() < PullRequest.MAX_LABELS && !name.isEmpty()) {
                labels.add(name);
            }
        }
        String author = mr.path("author").path("username").asText("");
        return new PullRequest(repo, mr.path("iid").asLong(), mr.path("title").asText(""), mr.path("sha").asText(""),
                mr.path("source_branch").asText(""), mr.path("web_url").asText(""), mr.path("description").asText(""),
                new Person(author, mr.path("author").path("id").asLong(0), ""),
                mr.path("source_project_id").asLong(0) != mr.path("target_project_id").asLong(0),
                new PullRequest.Traits(mr.path("draft").asBoolean(false) || mr.path("work_in_progress").asBoolean(false), List.copyOf(labels),
                        BOT_USERNAME.matcher(author).matches(), mr.path("target_branch").asText("")));
    }

    /** The usernames GitLab gives the bot users of project and group access tokens and of service accounts. */
    private static final java.util.regex.Pattern BOT_USERNAME =
            java.util.regex.Pattern.compile("^(project|group)_\\d+_bot(_[0-9a-f]+)?\\d*$|^service_account_.+");

    /** A bot's username, else {@code GET /users/:id}'s {@code bot} (a user GitLab will not show counts as a person). */
    @Override
    public boolean openedByBot(Origin where, PullRequest mr) {
        if (mr.traits().authorBot() || mr.author().id() <= 0) {
            return mr.traits().authorBot();
        }
        return find("/users/" + mr.author().id()).map(u -> u.path("bot").asBoolean(false)).orElse(false);
    }

    /**
     * {@code GET /projects/:id/merge_requests/:iid/diffs}, 100 a page, at most 30 pages; a renamed file under both its names.
     * Incomplete when the thirtieth page is full.
     */
    @Override
    public ChangedFiles changedFiles(Origin where) {
        List<String> paths = new ArrayList<>();
        int count = 0;
        boolean more = false;
        for (int page = 1; page <= MAX_CHANGED_FILES / 100; page++) {
            JsonNode files = call("GET", project(where) + "/merge_requests/" + where.number() + "/diffs?per_page=100&page=" + page, null);
            for (JsonNode f : files) {
                count++;
                String after = f.path("new_path").asText("");
                paths.add(after);
                String before = f.path("old_path").asText(after);
                if (!before.equals(after)) {
                    paths.add(before);
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
     * {@code GET /projects/:id/deployments?status=success&order_by=updated_at&sort=desc}: the newest of {@code sha} to an
     * environment {@code environments} accepts, with its environment's URL.
     */
    @Override
    public Optional<Deployed> deploymentOf(Origin where, String sha, java.util.function.Predicate<String> environments) {
        JsonNode deployments = call("GET", project(where) + "/deployments?status=success&order_by=updated_at&sort=desc&per_page="
                + DEPLOYMENTS_PAGE, null);
        for (JsonNode d : deployments) {
            String environment = d.path("environment").path("name").asText("");
            if (sha.equals(d.path("sha").asText()) && environments.test(environment)) {
                Optional<String> url = environmentUrl(where, d.path("environment")).filter(dev.qabridge.core.CommandParser::isHttpUrl);
                if (url.isPresent()) {
                    return Optional.of(new Deployed(String.valueOf(d.path("id").asLong()), environment, url.get()));
                }
            }
        }
        return Optional.empty();
    }

    /** The iids of the opened merge requests containing {@code sha}: {@code GET /projects/:id/repository/commits/:sha/merge_requests}. */
    @Override
    public List<PullRequest> openPullRequestsFor(Origin repository, String sha) {
        List<PullRequest> open = new ArrayList<>();
        for (JsonNode mr : call("GET", project(repository) + "/repository/commits/" + segment(sha) + "/merge_requests", null)) {
            if ("opened".equals(mr.path("state").asText()) && mr.path("iid").canConvertToLong() && mr.path("iid").asLong() > 0) {
                open.add(mergeRequest(repository.repo(), mr));
            }
        }
        return open;
    }

    /**
     * The settings file's text at {@code defaultBranch} (from {@code GET /projects/:id} when blank), via
     * {@code GET /projects/:id/repository/files/:file_path?ref=} (base64 {@code content}); empty when
     * there is no such file (404).
     */
    @Override
    public Optional<String> settingsFile(Origin repository, String defaultBranch) {
        String ref = defaultBranch.isBlank() ? call("GET", project(repository), null).path("default_branch").asText("") : defaultBranch;
        return find(project(repository) + "/repository/files/" + segment(settingsPath()) + "?ref=" + query(ref))
                .map(f -> new String(Base64.getMimeDecoder().decode(f.path("content").asText("")), StandardCharsets.UTF_8));
    }

    /** Members with an access level of at least the setting (inherited membership counts) may run commands. */
    @Override
    public Optional<String> whyNotTrusted(Origin where, Person who, Supplier<Settings> settings) {
        int level = accessLevel(where, who.id());   // asked while the settings file is read, if it is not cached
        int least = settings.get().trusted().gitlabMinAccessLevel();
        return level >= least ? Optional.empty()
                : Optional.of("commenter " + who.login() + " has access level " + level + ", below QA_GITLAB_MIN_ACCESS_LEVEL " + least);
    }

    /**
     * The user's access level in the project, inherited group membership and invited groups included
     * ({@code GET /projects/:id/members/all/:user_id}); 0 when they are no member (404) or not active.
     */
    public int accessLevel(Origin where, long userId) {
        if (userId <= 0) {
            return 0;
        }
        return find(project(where) + "/members/all/" + userId)
                .map(member -> member.path("state").asText("active").equals("active") ? member.path("access_level").asInt(0) : 0)
                .orElse(0);
    }

    /**
     * The external URL of the newest successful deployment of the MR: first one of its head
     * {@code sha}, else one of its source branch (or of {@code refs/merge-requests/:iid/head} or
     * {@code .../merge}, the refs merge request and merged results pipelines deploy from). Calls
     * {@code GET /projects/:id/deployments?status=success&order_by=updated_at&sort=desc} and, when a
     * deployment's environment comes without {@code external_url}, {@code GET /projects/:id/environments/:id}.
     * No deployments, no environment URL, or deployments unavailable to the token (403/404): empty.
     */
    @Override
    public Optional<String> deployedUrl(Origin where, PullRequest mr) {
        JsonNode deployments;
        try {
            deployments = call("GET", project(where) + "/deployments?status=success&order_by=updated_at&sort=desc&per_page="
                    + DEPLOYMENTS_PAGE, null);
        } catch (ApiException e) {
            if (e.status() == 403 || e.status() == 404) {
                Log.warn("gitlab.deployments_unavailable", null, null, "status", e.status());
                return Optional.empty();
            }
            throw e;
        }
        List<JsonNode> bySha = new ArrayList<>();
        List<JsonNode> byRef = new ArrayList<>();
        Set<String> refs = Set.of(mr.branch(), "refs/merge-requests/" + mr.number() + "/head",
                "refs/merge-requests/" + mr.number() + "/merge");
        for (JsonNode d : deployments) {
            String ref = d.path("ref").asText("");
            if (!mr.headSha().isEmpty() && mr.headSha().equals(d.path("sha").asText())) {
                bySha.add(d);
            } else if (!ref.isEmpty() && refs.contains(ref)) {
                byRef.add(d);
            }
        }
        bySha.addAll(byRef);
        for (JsonNode d : bySha) {
            Optional<String> url = environmentUrl(where, d.path("environment"));
            if (url.isPresent()) {
                return url;
            }
        }
        return Optional.empty();
    }

    private Optional<String> environmentUrl(Origin where, JsonNode environment) {
        String url = environment.path("external_url").asText("");
        if (url.isBlank() && environment.path("id").canConvertToLong() && environment.path("id").asLong() > 0) {
            try {
                url = call("GET", project(where) + "/environments/" + environment.path("id").asLong(), null)
                        .path("external_url").asText("");
            } catch (ApiException e) {
                if (e.status() != 404 && e.status() != 403) {
                    throw e;
                }
            }
        }
        return Optional.of(url).filter(u -> !u.isBlank());
    }

    /**
     * The notes of the merge request. With a discussion id new notes are replies in that thread;
     * without one they are top-level notes.
     */
    @Override
    public ReviewThread thread(Origin where) {
        return new Thread(where);
    }

    /**
     * {@code POST /projects/:id/statuses/:sha}: {@code running} while the agent works, then
     * {@code success}, {@code failed} or {@code canceled} (GitLab has no "error" for a status). The
     * description quotes the request, which may hold a pasted secret: it is redacted, then cut.
     */
    @Override
    public String report(Origin where, String sha, StatusReport report, String checkRunId) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("state", switch (report.state()) {
            case RUNNING -> "running";
            case SUCCESS, SKIPPED -> "success";
            case CANCELLED -> "canceled";
            case FAILURE, NEUTRAL, ERROR, TIMED_OUT -> "failed";
        });
        body.put("name", report.context());
        body.put("description", dev.qabridge.core.Strings.clip(dev.qabridge.core.Redaction.apply(report.description()), 140));
        if (dev.qabridge.core.CommandParser.isHttpUrl(report.targetUrl())) {
            body.put("target_url", report.targetUrl());
        }
        call("POST", project(where) + "/statuses/" + segment(sha), body);
        return "";
    }

    private static String project(Origin where) {
        return "/projects/" + segment(where.projectId());
    }

    private JsonNode call(String method, String path, Object body) {
        return explained(() -> http.call(method, apiUrl + path, headers(), body));
    }

    /** A GET of something that may not exist: empty on 404 (not counted as an API error). */
    private Optional<JsonNode> find(String path) {
        return explained(() -> http.find(apiUrl + path, headers()));
    }

    private Map<String, String> headers() {
        return Map.of("PRIVATE-TOKEN", token.get(), "Accept", "application/json", "User-Agent", "qa-bridge");
    }

    private <T> T explained(Supplier<T> call) {
        try {
            return call.get();
        } catch (ApiException e) {
            ApiException explained = e.status() == 401 ? e.withHint("the bridge's GitLab token is invalid, expired or revoked")
                    : e.status() == 403 ? e.withHint(NEEDS) : e;
            throw explained.forStateMachine();
        }
    }

    private final class Thread implements ReviewThread {
        private final String notes;
        private final Optional<String> discussionId;
        private final String mr;

        Thread(Origin where) {
            this.mr = project(where) + "/merge_requests/" + where.number();
            this.notes = mr + "/notes";
            this.discussionId = Optional.of(where.discussionId()).filter(d -> !d.isBlank());
        }

        @Override
        public String post(String markdown) {
            String path = discussionId.map(d -> mr + "/discussions/" + segment(d) + "/notes").orElse(notes);
            return call("POST", path, Map.of("body", markdown)).path("id").asText();
        }

        @Override
        public void edit(String noteId, String markdown) {
            call("PUT", notes + "/" + segment(noteId), Map.of("body", markdown));
        }

        @Override
        public void react(String noteId, Reaction reaction) {
            try {
                call("POST", notes + "/" + segment(noteId) + "/award_emoji", Map.of("name", reaction.name().toLowerCase(Locale.ROOT)));
            } catch (RuntimeException e) {
                Log.warn("gitlab.award_failed", null, null, "emoji", reaction, "error", e.getMessage());
            }
        }

        @Override
        public Optional<String> read(String noteId) {
            return find(notes + "/" + segment(noteId)).map(n -> n.path("body").asText(""));
        }

        @Override
        public Optional<String> findMarked(String marker, Instant since) {
            for (JsonNode n : call("GET", notes + "?sort=desc&order_by=created_at&per_page=50", null)) {
                if (n.path("body").asText("").contains(marker)) {
                    return Optional.of(n.path("id").asText());
                }
            }
            return Optional.empty();
        }

        @Override
        public int maxCommentLength() {
            return MAX_NOTE;
        }
    }
}
