package dev.qabridge.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.Log;
import dev.qabridge.core.PullRequest;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.http.JsonHttp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The GitLab REST v4 calls the bridge makes (GitLab.com or a self-managed instance through
 * {@code GITLAB_API_URL}), authenticated with {@code PRIVATE-TOKEN} (personal, project or group
 * access token with the {@code api} scope). Projects are addressed by their numeric id.
 */
public final class GitLabClient {
    /**
     * GitLab refuses notes over 1,000,000 characters. We stop at a tenth of that: GitLab renders a
     * note's Markdown on every page view and large notes make the MR page slow, while the full
     * answer stays one click away in the conversation link that every reply keeps.
     */
    public static final int MAX_NOTE = 100_000;

    /** Deployments read per lookup: the newest successful ones are enough to find this MR's. */
    static final int DEPLOYMENTS_PAGE = 50;

    private final JsonHttp http = new JsonHttp("GitLab", Duration.ofSeconds(5));
    private final String apiUrl;
    private final Map<String, String> headers;

    public GitLabClient(String apiUrl, String token) {
        this.apiUrl = apiUrl;
        this.headers = Map.of("PRIVATE-TOKEN", token, "Accept", "application/json", "User-Agent", "qa-bridge");
    }

    /** {@code GET /projects/:id/merge_requests/:iid}: head sha, source branch, title, web URL. */
    public PullRequest mergeRequest(String projectId, String pathWithNamespace, long iid) {
        JsonNode mr = call("GET", project(projectId) + "/merge_requests/" + iid, null);
        return new PullRequest(pathWithNamespace, iid, mr.path("title").asText(""), mr.path("sha").asText(""),
                mr.path("source_branch").asText(""), mr.path("web_url").asText(""), mr.path("description").asText(""));
    }

    /** The iids of the opened merge requests containing {@code sha}: {@code GET /projects/:id/repository/commits/:sha/merge_requests}. */
    public List<Long> openMergeRequestsFor(String projectId, String sha) {
        List<Long> iids = new ArrayList<>();
        for (JsonNode mr : call("GET", project(projectId) + "/repository/commits/" + URLEncoder.encode(sha, StandardCharsets.UTF_8)
                + "/merge_requests", null)) {
            if ("opened".equals(mr.path("state").asText())) {
                iids.add(mr.path("iid").asLong());
            }
        }
        return iids;
    }

    /** {@code GET /projects/:id}'s {@code default_branch}. */
    public String defaultBranch(String projectId) {
        return call("GET", project(projectId), null).path("default_branch").asText("");
    }

    /**
     * A file's text at {@code ref}, via {@code GET /projects/:id/repository/files/:file_path?ref=}
     * (base64 {@code content}); empty when there is no such file (404).
     */
    public Optional<String> file(String projectId, String path, String ref) {
        try {
            JsonNode f = call("GET", project(projectId) + "/repository/files/" + URLEncoder.encode(path, StandardCharsets.UTF_8)
                    + "?ref=" + URLEncoder.encode(ref, StandardCharsets.UTF_8), null);
            return Optional.of(new String(Base64.getMimeDecoder().decode(f.path("content").asText("")), StandardCharsets.UTF_8));
        } catch (ApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The user's access level in the project, inherited group membership and invited groups included
     * ({@code GET /projects/:id/members/all/:user_id}); 0 when they are no member (404) or not active.
     */
    public int accessLevel(String projectId, long userId) {
        try {
            JsonNode member = call("GET", project(projectId) + "/members/all/" + userId, null);
            String state = member.path("state").asText("active");
            return state.equals("active") ? member.path("access_level").asInt(0) : 0;
        } catch (ApiException e) {
            if (e.status() == 404) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * The external URL of the newest successful deployment of the MR: first one of its head
     * {@code sha}, else one of its source branch (or of {@code refs/merge-requests/:iid/head} or
     * {@code .../merge}, the refs merge request and merged results pipelines deploy from). Calls
     * {@code GET /projects/:id/deployments?status=success&order_by=updated_at&sort=desc} and, when a
     * deployment's environment comes without {@code external_url}, {@code GET /projects/:id/environments/:id}.
     * No deployments, no environment URL, or deployments unavailable to the token (403/404): empty.
     */
    public Optional<String> deployedUrl(String projectId, PullRequest mr) {
        JsonNode deployments;
        try {
            deployments = call("GET", project(projectId) + "/deployments?status=success&order_by=updated_at&sort=desc&per_page="
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
            Optional<String> url = environmentUrl(projectId, d.path("environment"));
            if (url.isPresent()) {
                return url;
            }
        }
        return Optional.empty();
    }

    private Optional<String> environmentUrl(String projectId, JsonNode environment) {
        String url = environment.path("external_url").asText("");
        if (url.isBlank() && environment.path("id").canConvertToLong() && environment.path("id").asLong() > 0) {
            try {
                url = call("GET", project(projectId) + "/environments/" + environment.path("id").asLong(), null)
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
     * The notes of merge request {@code iid}. With a {@code discussionId} new notes are replies in
     * that thread; without one they are top-level notes.
     */
    public ReviewThread thread(String projectId, long iid, Optional<String> discussionId) {
        return new Thread(projectId, iid, discussionId.filter(d -> !d.isBlank()));
    }

    private static String project(String projectId) {
        return "/projects/" + URLEncoder.encode(projectId, StandardCharsets.UTF_8);
    }

    private JsonNode call(String method, String path, Object body) {
        try {
            return http.call(method, apiUrl + path, headers, body);
        } catch (ApiException e) {
            throw e.forStateMachine();
        }
    }

    private final class Thread implements ReviewThread {
        private final String notes;
        private final Optional<String> discussionId;
        private final String mr;

        Thread(String projectId, long iid, Optional<String> discussionId) {
            this.mr = project(projectId) + "/merge_requests/" + iid;
            this.notes = mr + "/notes";
            this.discussionId = discussionId;
        }

        @Override
        public String post(String markdown) {
            String path = discussionId.map(d -> mr + "/discussions/" + URLEncoder.encode(d, StandardCharsets.UTF_8) + "/notes").orElse(notes);
            return call("POST", path, Map.of("body", markdown)).path("id").asText();
        }

        @Override
        public boolean edit(String noteId, String markdown) {
            try {
                call("PUT", notes + "/" + noteId, Map.of("body", markdown));
                return true;
            } catch (ApiException e) {
                Log.warn("gitlab.edit_failed", null, null, "status", e.status(), "note", noteId);
                return false;
            }
        }

        @Override
        public void react(String noteId, Reaction reaction) {
            try {
                call("POST", notes + "/" + noteId + "/award_emoji", Map.of("name", reaction.name().toLowerCase(Locale.ROOT)));
            } catch (RuntimeException e) {
                Log.warn("gitlab.award_failed", null, null, "emoji", reaction, "error", e.getMessage());
            }
        }

        @Override
        public int maxCommentLength() {
            return MAX_NOTE;
        }
    }
}
