package dev.qabridge.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qabridge.core.BadDelivery;
import dev.qabridge.core.CommandParser;
import dev.qabridge.core.DeliveryIds;
import dev.qabridge.core.IgnoredBecause;
import dev.qabridge.core.Inbound;
import dev.qabridge.core.Log;
import dev.qabridge.core.MergeQueue;
import dev.qabridge.core.NotAuthorized;
import dev.qabridge.core.Origin;
import dev.qabridge.core.Payload;
import dev.qabridge.core.Person;
import dev.qabridge.core.Platform;
import dev.qabridge.core.Strings;
import dev.qabridge.core.Texts;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Translates a GitLab webhook delivery into an {@link Inbound}: checks the token or signature (see
 * {@link GitLabWebhookAuth}), reads the body strictly, and keeps only new, human, public notes on
 * merge requests and successful deployments. Everything else is answered 2xx, because GitLab
 * disables a hook after four failed deliveries in a row. Headers arrive lower-cased.
 */
public final class GitLabEvents {
    /** Threads whose notes are replies: an answer belongs in the same thread (a plain note has type null). */
    private static final Set<String> THREAD_NOTES = Set.of("DiscussionNote", "DiffNote");
    /** Users behind project and group access tokens (GitLab names them project_<id>_bot_<hash>, group_<id>_bot_<hash>). */
    private static final Pattern TOKEN_BOT = Pattern.compile("^(project|group)_\\d+_bot(_[0-9a-f]+)?\\d*$");
    private static final Pattern SHA = Pattern.compile("^[0-9a-f]{40}$");
    private static final Pattern DISCUSSION = Pattern.compile("^[0-9a-f]{1,64}$");
    /** Pipeline states after which a commit status would come too late to hold the train. */
    private static final Set<String> FINISHED_PIPELINES = Set.of("success", "failed", "canceled", "skipped");
    /** GitLab accepts notes of up to 1,000,000 characters. */
    static final int MAX_NOTE = 1_000_000;

    private final GitLabWebhookAuth auth;

    public GitLabEvents(GitLabWebhookAuth auth) {
        this.auth = auth;
    }

    public boolean configured() {
        return auth.configured();
    }

    /**
     * The dedupe and log key: {@code Idempotency-Key} stays the same across GitLab's retries and manual
     * resends; older GitLab only sends {@code X-Gitlab-Event-UUID}. "" when neither is usable.
     */
    public static String deliveryId(Map<String, String> headers) {
        try {
            String key = DeliveryIds.check("Idempotency-Key", headers.get("idempotency-key"));
            return key.isEmpty() ? DeliveryIds.check("X-Gitlab-Event-UUID", headers.get("x-gitlab-event-uuid")) : key;
        } catch (BadDelivery e) {
            return "";
        }
    }

    public Inbound read(Map<String, String> headers, byte[] body) {
        String delivery = verify(headers, body);
        String event = headers.getOrDefault("x-gitlab-event", "");
        JsonNode p = Payload.parse(body);
        String kind = Payload.optionalText(p, "object_kind", 64).orElse("");
        if (event.equals("Deployment Hook") && kind.equals("deployment")) {
            return deployment(delivery, p);
        }
        if (event.equals("Merge Request Hook") && kind.equals("merge_request")) {
            return mergeRequest(delivery, p);
        }
        if (event.equals("Pipeline Hook") && kind.equals("pipeline")) {
            return pipeline(delivery, p);
        }
        if (!event.equals("Note Hook") || !kind.equals("note")) {
            return new Inbound.Ignored("event '" + Strings.clip(event.replaceAll("[^\\p{L}\\p{N} _-]", "?"), 60)
                    + "' is not one qa-bridge acts on");
        }
        return note(delivery, p);
    }

    /** Checks the delivery's token or signature (without reading the body as JSON); returns its id. Throws {@link NotAuthorized}. */
    public String verify(Map<String, String> headers, byte[] body) {
        String delivery = DeliveryIds.check("Idempotency-Key", headers.get("idempotency-key"));
        if (delivery.isEmpty()) {
            delivery = DeliveryIds.check("X-Gitlab-Event-UUID", headers.get("x-gitlab-event-uuid"));
        }
        String event = headers.getOrDefault("x-gitlab-event", "");
        switch (auth.check(headers, body)) {
            case GitLabWebhookAuth.Verdict.Refused refused -> {
                Log.warn("gitlab.refused", delivery, null, "reason", refused.hint());
                throw new NotAuthorized(refused.hint());
            }
            case GitLabWebhookAuth.Verdict.Accepted accepted ->
                    Log.info("gitlab.received", delivery, null, "event", Strings.clip(event, 40), "by", accepted.by());
        }
        return delivery;
    }

    private Inbound note(String delivery, JsonNode p) {
        String noteable = Payload.optionalText(p, "object_attributes.noteable_type", 64).orElse("");
        if (!noteable.equals("MergeRequest")) {
            return new Inbound.Ignored("note on a " + Strings.clip(noteable, 40) + ", not a merge request");
        }
        if (Payload.flag(p, "object_attributes.system", false)) {
            return new Inbound.Ignored("system note: only people's notes are commands");
        }
        if (Payload.flag(p, "object_attributes.internal", false) || Payload.flag(p, "object_attributes.confidential", false)) {
            // Internal notes come as "Confidential Note Hook"; should one arrive here, a public answer would leak it.
            return new Inbound.Ignored("internal note: qa-bridge answers in public notes only");
        }
        // GitLab before 16.11 sends no action, and then only for new notes.
        String action = Payload.optionalText(p, "object_attributes.action", 32).orElse("create");
        if (!action.equals("create")) {
            return new Inbound.Ignored(IgnoredBecause.EDITED, "note " + Strings.clip(action, 20) + ": only new notes are commands");
        }
        String text = Payload.text(p, "object_attributes.note", MAX_NOTE);
        if (text.startsWith(Texts.MARKER)) {
            return new Inbound.Ignored(IgnoredBecause.OWN, "note written by qa-bridge");
        }
        String username = Payload.text(p, "user.username", 255);
        if (TOKEN_BOT.matcher(username).matches()) {
            return new Inbound.Ignored(IgnoredBecause.BOT, "note by a bot (" + Strings.clip(username, 60) + ")");
        }
        long projectId = Payload.at(p, "project.id").isMissingNode()
                ? Payload.positive(p, "project_id", Payload.MAX_ID) : Payload.positive(p, "project.id", Payload.MAX_ID);
        long iid = Payload.positive(p, "merge_request.iid", Payload.MAX_NUMBER);
        long noteId = Payload.positive(p, "object_attributes.id", Payload.MAX_ID);
        Optional<String> type = Payload.optionalText(p, "object_attributes.type", 64);
        String discussion = "";
        if (type.isPresent() && THREAD_NOTES.contains(type.get())) {
            discussion = Payload.optionalText(p, "object_attributes.discussion_id", 64).orElse("");
            if (!discussion.isEmpty() && !DISCUSSION.matcher(discussion).matches()) {
                throw new BadDelivery("`object_attributes.discussion_id` must be a hexadecimal id");
            }
        }
        String path = Payload.optionalText(p, "project.path_with_namespace", 255).orElse(String.valueOf(projectId));
        long userId = Payload.at(p, "user.id").isMissingNode()
                ? Payload.positive(p, "object_attributes.author_id", Payload.MAX_ID) : Payload.positive(p, "user.id", Payload.MAX_ID);
        Origin where = new Origin(Platform.GITLAB, path, String.valueOf(projectId), iid, discussion, 0);
        return new Inbound.Comment(where, new Person(username, userId, ""), text, String.valueOf(noteId), delivery,
                Payload.optionalText(p, "project.default_branch", 255).orElse(""));
    }

    /**
     * An MR update that brought new commits ({@code oldrev} is present): its head is {@code last_commit.id}. One that marked a
     * draft ready ({@code changes.draft} from true to false, no new commits): the automatic run its deployment skipped may start.
     */
    private Inbound mergeRequest(String delivery, JsonNode p) {
        String action = Payload.optionalText(p, "object_attributes.action", 32).orElse("");
        boolean commits = Payload.optionalText(p, "object_attributes.oldrev", 40).isPresent();
        JsonNode draft = Payload.at(p, "changes.draft");
        boolean ready = !commits && draft.path("previous").asBoolean(false) && draft.path("current").isBoolean()
                && !draft.path("current").asBoolean();
        if (!action.equals("update") || !commits && !ready) {
            return new Inbound.Ignored("merge request " + Strings.clip(action, 20) + ": only new commits and a draft marked ready matter to qa-bridge");
        }
        long projectId = Payload.positive(p, "project.id", Payload.MAX_ID);
        String path = Payload.optionalText(p, "project.path_with_namespace", 255).orElse(String.valueOf(projectId));
        long iid = Payload.positive(p, "object_attributes.iid", Payload.MAX_NUMBER);
        String sha = Payload.text(p, "object_attributes.last_commit.id", 40);
        if (!SHA.matcher(sha).matches()) {
            throw new BadDelivery("`object_attributes.last_commit.id` must be a 40-character commit SHA");
        }
        Origin where = new Origin(Platform.GITLAB, path, String.valueOf(projectId), iid, "", 0);
        String defaultBranch = Payload.optionalText(p, "project.default_branch", 255).orElse("");
        return ready ? new Inbound.Ready(where, sha, delivery, defaultBranch) : new Inbound.Push(where, sha, delivery, defaultBranch);
    }

    /**
     * A merge train's pipeline (source {@code merge_request_event} on {@code refs/merge-requests/<iid>/train},
     * or {@code merge_request_event_type} {@code merge_train}): the MR's QA result joins it as a commit status
     * on its {@code sha}, once per pipeline, when it is still going. Every other pipeline is left alone.
     */
    private Inbound pipeline(String delivery, JsonNode p) {
        String ref = Payload.optionalText(p, "object_attributes.ref", 255).orElse("");
        String source = Payload.optionalText(p, "object_attributes.source", 64).orElse("");
        boolean train = source.equals("merge_request_event") && (MergeQueue.trainOf(ref).isPresent()
                || Payload.optionalText(p, "object_attributes.merge_request_event_type", 32).filter("merge_train"::equals).isPresent());
        if (!train) {
            return new Inbound.Ignored("pipeline for " + Strings.clip(ref.replaceAll("[^\\p{L}\\p{N}_ ./-]", "?"), 80)
                    + ": only merge train pipelines get qa-bridge's status");
        }
        String status = Payload.optionalText(p, "object_attributes.status", 32).orElse("");
        if (FINISHED_PIPELINES.contains(status)) {
            return new Inbound.Ignored("merge train pipeline " + status + ": qa-bridge's status joins a train's pipeline while it runs");
        }
        long projectId = Payload.positive(p, "project.id", Payload.MAX_ID);
        String path = Payload.optionalText(p, "project.path_with_namespace", 255).orElse(String.valueOf(projectId));
        long iid = Payload.at(p, "merge_request.iid").isMissingNode() || Payload.at(p, "merge_request.iid").isNull()
                ? MergeQueue.trainOf(ref).orElseThrow(() -> new BadDelivery("`merge_request.iid` is missing"))
                : Payload.positive(p, "merge_request.iid", Payload.MAX_NUMBER);
        long pipelineId = Payload.positive(p, "object_attributes.id", Payload.MAX_ID);
        String sha = Payload.text(p, "object_attributes.sha", 40);
        if (!SHA.matcher(sha).matches()) {
            throw new BadDelivery("`object_attributes.sha` must be a 40-character commit SHA");
        }
        return new Inbound.MergeQueue(new Origin(Platform.GITLAB, path, String.valueOf(projectId), iid, "", 0), sha, "t" + pipelineId, "",
                delivery.isEmpty() ? "pipeline-" + projectId + "-" + pipelineId : delivery,
                Payload.optionalText(p, "project.default_branch", 255).orElse(""));
    }

    private Inbound deployment(String delivery, JsonNode p) {
        String status = Payload.text(p, "status", 32);
        if (!status.equals("success")) {
            return new Inbound.Ignored("deployment " + Strings.clip(status, 20) + ": only successful deployments are tested");
        }
        long projectId = Payload.positive(p, "project.id", Payload.MAX_ID);
        String path = Payload.optionalText(p, "project.path_with_namespace", 255).orElse(String.valueOf(projectId));
        long deploymentId = Payload.positive(p, "deployment_id", Payload.MAX_ID);
        String environment = Payload.optionalText(p, "environment", 255).orElse("");
        String commitUrl = Payload.text(p, "commit_url", 2048);
        String sha = commitUrl.substring(commitUrl.lastIndexOf('/') + 1);
        if (!SHA.matcher(sha).matches()) {
            throw new BadDelivery("`commit_url` must end in a 40-character commit SHA");
        }
        String url = Payload.optionalText(p, "environment_external_url", 2048).orElse("");
        if (!CommandParser.isHttpUrl(url)) {
            return new Inbound.Ignored("successful deployment without an http(s) environment_external_url "
                    + "(environment: url: in .gitlab-ci.yml)");
        }
        Origin repository = new Origin(Platform.GITLAB, path, String.valueOf(projectId), 0, "", 0);
        return new Inbound.Deployment(repository, String.valueOf(deploymentId), sha, environment, url,
                delivery.isEmpty() ? "deployment-" + projectId + "-" + deploymentId : delivery,
                Payload.optionalText(p, "project.default_branch", 255).orElse(""));
    }
}
