package dev.qabridge.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.Command;
import dev.qabridge.core.CommandParser;
import dev.qabridge.core.Log;
import dev.qabridge.core.Preview;
import dev.qabridge.core.PullRequest;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.RunStore;
import dev.qabridge.core.Settings;
import dev.qabridge.core.Texts;
import dev.qabridge.gitlab.GitLabClient;
import dev.qabridge.gitlab.GitLabWebhookAuth;
import dev.qabridge.http.JsonHttp;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A GitLab webhook delivery, from raw bytes to an answer: verify, parse, route by event, decide
 * (ignore, help, run), act. Only new, human notes on merge requests are commands; everything else
 * is answered 2xx, because GitLab disables a hook after four failed deliveries in a row.
 * Headers arrive lower-cased, as API Gateway v2 hands them over.
 */
public final class GitLabDeliveries {
    /** Threads whose notes are replies: an answer belongs in the same thread (a plain note has type null). */
    private static final Set<String> THREAD_NOTES = Set.of("DiscussionNote", "DiffNote");
    /** Users behind project and group access tokens (GitLab names them project_<id>_bot_<hash>, group_<id>_bot_<hash>). */
    private static final Pattern TOKEN_BOT = Pattern.compile("^(project|group)_\\d+_bot(_[0-9a-f]+)?\\d*$");

    private final Settings settings;
    private final GitLabWebhookAuth auth;
    private final GitLabClient gitlab;
    private final RunStore store;
    private final RunStarter starter;
    private final CommandParser parser;
    private final RepoConfig repoConfig;

    public GitLabDeliveries(Settings settings, GitLabWebhookAuth auth, GitLabClient gitlab, RunStore store, RunStarter starter,
                            RepoConfig repoConfig) {
        this.settings = settings;
        this.auth = auth;
        this.gitlab = gitlab;
        this.store = store;
        this.starter = starter;
        this.parser = new CommandParser(settings.command());
        this.repoConfig = repoConfig;
    }

    /**
     * The dedupe key: {@code Idempotency-Key} stays the same across GitLab's retries and manual
     * resends; older GitLab only sends {@code X-Gitlab-Event-UUID}.
     */
    public static String deliveryId(Map<String, String> headers) {
        String key = headers.get("idempotency-key");
        if (key == null || key.isBlank()) {
            key = headers.get("x-gitlab-event-uuid");
        }
        return key == null ? "" : key.trim();
    }

    public Answer handle(Map<String, String> headers, byte[] body) {
        String delivery = deliveryId(headers);
        String event = headers.getOrDefault("x-gitlab-event", "");
        switch (auth.check(headers, body)) {
            case GitLabWebhookAuth.Verdict.Refused refused -> {
                Log.warn("gitlab.refused", delivery, null, "event", event, "reason", refused.hint());
                return Answer.unauthorized(refused.hint());
            }
            case GitLabWebhookAuth.Verdict.Accepted accepted -> Log.info("gitlab.received", delivery, null, "event", event, "by", accepted.by());
        }
        JsonNode payload;
        try {
            payload = JsonHttp.JSON.readTree(body);
        } catch (IOException e) {
            return Answer.of(400, "error", "the body is not JSON");
        }
        if (payload == null || !payload.isObject()) {
            return Answer.of(400, "error", "the body is not a JSON object");
        }
        String kind = payload.path("object_kind").asText("");
        if (event.equals("Deployment Hook") && kind.equals("deployment")) {
            return deployment(delivery, payload);
        }
        if (!event.equals("Note Hook") || !kind.equals("note")) {
            return Answer.ignored("event '" + event + "' is not one qa-bridge acts on");
        }
        return note(delivery, payload);
    }

    private Answer note(String delivery, JsonNode p) {
        JsonNode note = p.path("object_attributes");
        String noteable = note.path("noteable_type").asText("");
        if (!noteable.equals("MergeRequest")) {
            return Answer.ignored("note on a " + noteable + ", not a merge request");
        }
        if (note.path("system").asBoolean(false)) {
            return Answer.ignored("system note: only people's notes are commands");
        }
        if (note.path("internal").asBoolean(false)) {
            // Internal notes come as "Confidential Note Hook"; should one arrive here, a public answer would leak it.
            return Answer.ignored("internal note: qa-bridge answers in public notes only");
        }
        // GitLab before 16.11 sends no action, and then only for new notes.
        String action = note.path("action").asText("create");
        if (!action.equals("create")) {
            return Answer.ignored("note " + action + ": only new notes are commands");
        }
        String text = note.path("note").asText("");
        if (text.startsWith(Texts.MARKER)) {
            return Answer.ignored("note written by qa-bridge");
        }
        JsonNode user = p.path("user");
        String username = user.path("username").asText("");
        if (TOKEN_BOT.matcher(username).matches()) {
            return Answer.ignored("note by a bot (" + username + ")");
        }
        Optional<Command> command = parser.parse(text);
        if (command.isEmpty()) {
            return Answer.ignored("no " + settings.command() + " command on the note's first line");
        }
        String projectId = p.path("project").path("id").asText(p.path("project_id").asText(""));
        long iid = p.path("merge_request").path("iid").asLong();
        String noteId = note.path("id").asText();
        if (projectId.isEmpty() || iid <= 0 || noteId.isEmpty()) {
            return Answer.ignored("note without project id, merge request iid or note id");
        }
        if (delivery.isEmpty()) {
            // Neither Idempotency-Key nor X-Gitlab-Event-UUID: the note itself is created once.
            delivery = "note-" + projectId + "-" + noteId;
        }
        Optional<String> discussion = THREAD_NOTES.contains(note.path("type").asText(""))
                ? Optional.of(note.path("discussion_id").asText("")).filter(d -> !d.isBlank())
                : Optional.empty();
        ReviewThread thread = gitlab.thread(projectId, iid, discussion);
        String path = p.path("project").path("path_with_namespace").asText(projectId);
        RepoConfig.Loaded loaded = repoSettings(delivery, p, projectId);
        Settings settings = loaded.settings();
        long userId = user.path("id").asLong(note.path("author_id").asLong());
        int level = gitlab.accessLevel(projectId, userId);
        if (level < settings.gitlabMinAccessLevel()) {
            Log.info("gitlab.untrusted", delivery, null, "accessLevel", level, "required", settings.gitlabMinAccessLevel());
            thread.react(noteId, ReviewThread.Reaction.CONFUSED);
            return Answer.ignored("commenter " + username + " has access level " + level + ", below QA_GITLAB_MIN_ACCESS_LEVEL "
                    + settings.gitlabMinAccessLevel());
        }
        String deliveryId = delivery;
        return store.withClaim(RunStore.deliveryKey("gitlab", deliveryId), () -> {
            thread.react(noteId, ReviewThread.Reaction.EYES);
            repoConfig.report(loaded, path, iid, thread, deliveryId);
            return Commands.dispatch(command.get(), thread, settings, "gitlab",
                    r -> run(deliveryId, path, projectId, iid, noteId, discussion, username, thread, r, settings));
        }).orElseGet(() -> duplicate(deliveryId));
    }

    private static Answer duplicate(String delivery) {
        Log.info("gitlab.duplicate", delivery, null);
        return Answer.ignored("delivery " + delivery + " was already handled");
    }

    /** The project's effective settings: its settings file on the default branch over the bridge's (cached per project id). */
    private RepoConfig.Loaded repoSettings(String delivery, JsonNode p, String projectId) {
        String defaultBranch = p.path("project").path("default_branch").asText("");
        return repoConfig.load(projectId, delivery, () -> gitlab.file(projectId, repoConfig.path(),
                defaultBranch.isBlank() ? gitlab.defaultBranch(projectId) : defaultBranch));
    }

    /**
     * A Deployment Hook: a successful deployment to an auto-run environment starts one run per opened
     * MR of its commit, once per deployment and MR, superseding the MR's previous automatic run.
     */
    private Answer deployment(String delivery, JsonNode p) {
        String status = p.path("status").asText("");
        if (!status.equals("success")) {
            return Answer.ignored("deployment " + status + ": only successful deployments are tested");
        }
        String projectId = p.path("project").path("id").asText("");
        String path = p.path("project").path("path_with_namespace").asText(projectId);
        String deploymentId = p.path("deployment_id").asText("");
        String environment = p.path("environment").asText("");
        String commitUrl = p.path("commit_url").asText("");
        String sha = commitUrl.substring(commitUrl.lastIndexOf('/') + 1);
        if (projectId.isEmpty() || deploymentId.isEmpty() || sha.isEmpty()) {
            return Answer.ignored("deployment without project id, deployment id or commit");
        }
        RepoConfig.Loaded loaded = repoSettings(delivery, p, projectId);
        Settings settings = loaded.settings();
        Optional<String> notHere = settings.noAutoRunBecause(environment);
        if (notHere.isPresent()) {
            return Answer.ignored(notHere.get());
        }
        String url = p.path("environment_external_url").asText("");
        if (!CommandParser.isHttpUrl(url)) {
            return Answer.ignored("successful deployment without an http(s) environment_external_url (environment: url: in .gitlab-ci.yml)");
        }
        List<Long> iids = gitlab.openMergeRequestsFor(projectId, sha);
        if (iids.isEmpty()) {
            Log.info("gitlab.autorun_no_mr", delivery, null, "sha", sha);
            return Answer.ignored("no opened merge request contains " + sha);
        }
        if (delivery.isEmpty()) {
            delivery = "deployment-" + projectId + "-" + deploymentId + "-" + status;
        }
        Preview preview = new Preview(url, Preview.Source.DEPLOYMENT);
        String deliveryId = delivery;
        return store.withClaim(RunStore.deliveryKey("gitlab", deliveryId), () -> {
            return starter.startAutoRuns("gitlab", deliveryId, projectId, deploymentId, iids, settings, iid -> {
                PullRequest mr = gitlab.mergeRequest(projectId, path, iid);
                ReviewThread thread = gitlab.thread(projectId, iid, Optional.empty());
                repoConfig.report(loaded, path, iid, thread, deliveryId);
                Log.info("gitlab.autorun", deliveryId, null, "deployment", deploymentId, "iid", iid, "environment", environment);
                return new RunStarter.Request("gitlab", deliveryId, mr, thread, "", "the " + environment + " deployment",
                        settings.autoRunMessage(), preview, projectId, "");
            });
        }).orElseGet(() -> duplicate(deliveryId));
    }

    private Answer run(String delivery, String path, String projectId, long iid, String noteId, Optional<String> discussion,
                       String username, ReviewThread thread, Command.Run run, Settings settings) {
        PullRequest mr = gitlab.mergeRequest(projectId, path, iid);
        Optional<Preview> preview = Preview.resolve(run.url(), () -> gitlab.deployedUrl(projectId, mr),
                settings.previewUrlTemplate(), mr);
        if (preview.isEmpty()) {
            Log.info("gitlab.no_preview", delivery, null, "sha", mr.headSha());
            thread.post(Texts.noPreview(settings, mr, "gitlab"));
            return Answer.of(200, "noPreview", "no preview URL for " + mr.headSha());
        }
        return starter.start(new RunStarter.Request("gitlab", delivery, mr, thread, noteId, username, run.instructions(),
                preview.get(), projectId, discussion.orElse("")), settings);
    }
}
