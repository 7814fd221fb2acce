package dev.qabridge.github;

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
import dev.qabridge.core.Texts;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Translates a GitHub webhook delivery into an {@link Inbound}: verifies {@code X-Hub-Signature-256}
 * (against the current secret, and during a rotation the previous one too), reads the body strictly,
 * and keeps only new comments by people on pull requests and successful deployments (in App mode, only
 * those the App delivered). Headers arrive lower-cased, as API Gateway v2 hands them over.
 */
public final class GitHubEvents {
    private static final Pattern SHA = Pattern.compile("^[0-9a-f]{40}$");
    /** The bridge's run ids (execution names), as check runs carry them in {@code external_id}. */
    private static final Pattern RUN_ID = Pattern.compile("^github-[A-Za-z0-9_-]{1,72}$");
    /** How the run ids of merge queue reports begin ({@code github-q<number>-<sha>}): their check runs have no Re-run. */
    private static final String MERGE_QUEUE_RUN = "github-q";
    /** GitHub caps comment bodies at 65,536 characters. */
    static final int MAX_COMMENT = 65_536;

    private final java.util.function.Supplier<List<String>> secrets;
    private final java.util.function.Supplier<GitHubAuth> auth;

    /**
     * {@code secrets}: the webhook secret, then (while rotating) the previous one; empty when GitHub is not
     * configured. {@code auth}: how the bridge speaks to GitHub, for its own login (in App mode read once
     * from {@code GET /app}) and whether it runs as an App; asked only when a delivery needs it.
     */
    public GitHubEvents(java.util.function.Supplier<List<String>> secrets, java.util.function.Supplier<GitHubAuth> auth) {
        this.secrets = secrets;
        this.auth = auth;
    }

    public boolean configured() {
        return !secrets.get().isEmpty();
    }

    /** The delivery's id, for log lines and answers ("" when it has none). */
    public static String deliveryId(Map<String, String> headers) {
        try {
            return DeliveryIds.check("X-GitHub-Delivery", headers.get("x-github-delivery"));
        } catch (BadDelivery e) {
            return "";
        }
    }

    public Inbound read(Map<String, String> headers, byte[] body) {
        String delivery = verify(headers, body);
        String event = headers.getOrDefault("x-github-event", "");
        JsonNode p = Payload.parse(body);
        String action = Payload.optionalText(p, "action", 64).orElse("");
        Log.info("github.received", delivery, null, "event", event, "action", action);
        return switch (event) {
            case "ping" -> new Inbound.Ping();
            case "issue_comment" -> comment(delivery, action, p);
            case "deployment_status" -> deployment(delivery, p);
            case "pull_request" -> pullRequest(delivery, action, p);
            case "check_run" -> checkRun(delivery, action, p);
            case "merge_group" -> mergeGroup(delivery, action, p);
            default -> new Inbound.Ignored("event '" + clip(event) + "' is not one qa-bridge acts on");
        };
    }

    /** Checks the delivery's signature (without reading the body as JSON); returns its id. Throws {@link NotAuthorized}. */
    public String verify(Map<String, String> headers, byte[] body) {
        String delivery = DeliveryIds.check("X-GitHub-Delivery", headers.get("x-github-delivery"));
        List<String> accepted = secrets.get();
        if (accepted.isEmpty()) {
            throw new NotAuthorized("GitHub webhooks are not configured: set GITHUB_WEBHOOK_SECRET on the bridge");
        }
        String signature = headers.get("x-hub-signature-256");
        if (signature == null) {
            Log.warn("github.unsigned", delivery, null);
            throw new NotAuthorized("missing X-Hub-Signature-256: set the webhook's secret in GitHub to the bridge's GITHUB_WEBHOOK_SECRET");
        }
        if (accepted.stream().noneMatch(s -> GitHubSignature.verify(s, body, signature))) {
            Log.warn("github.bad_signature", delivery, null);
            throw new NotAuthorized("X-Hub-Signature-256 does not match: check that the webhook secret in GitHub equals the bridge's "
                    + "GITHUB_WEBHOOK_SECRET");
        }
        return delivery;
    }

    private Inbound comment(String delivery, String action, JsonNode p) {
        if (!action.equals("created")) {
            return new Inbound.Ignored(IgnoredBecause.EDITED, "comment " + clip(action) + ": only new comments are commands");
        }
        if (!p.path("issue").isObject()) {
            throw new BadDelivery("`issue` is missing");
        }
        if (p.path("issue").path("pull_request").isMissingNode() || p.path("issue").path("pull_request").isNull()) {
            return new Inbound.Ignored("comment on an issue, not a pull request");
        }
        String login = Payload.text(p, "sender.login", 100);
        String senderType = Payload.optionalText(p, "sender.type", 32).orElse("");
        // The bridge's own login first: in App mode it is a bot's too, and the answer should say whose comment it was.
        if (auth.get().botLogin().filter(login::equalsIgnoreCase).isPresent()) {
            return new Inbound.Ignored(IgnoredBecause.OWN, "comment by the bridge's own account (" + clip(login) + ")");
        }
        if ("Bot".equals(senderType) || login.toLowerCase(java.util.Locale.ROOT).endsWith("[bot]")) {
            return new Inbound.Ignored(IgnoredBecause.BOT, "comment by a bot (" + clip(login) + ")");
        }
        String text = Payload.text(p, "comment.body", MAX_COMMENT);
        if (text.startsWith(Texts.MARKER)) {
            return new Inbound.Ignored(IgnoredBecause.OWN, "comment written by qa-bridge");
        }
        Optional<Inbound> notTheApps = notTheAppsDelivery(p);
        if (notTheApps.isPresent()) {
            return notTheApps.get();
        }
        Origin where = new Origin(Platform.GITHUB, Payload.repository(p, "repository.full_name"), "",
                Payload.positive(p, "issue.number", Payload.MAX_NUMBER), "", installation(p));
        long commentId = Payload.positive(p, "comment.id", Payload.MAX_ID);
        long userId = Payload.at(p, "sender.id").canConvertToLong() ? Math.max(0, Payload.at(p, "sender.id").asLong()) : 0;
        String association = Payload.optionalText(p, "comment.author_association", 32).orElse("NONE");
        return new Inbound.Comment(where, new Person(login, userId, association), text, String.valueOf(commentId), delivery,
                Payload.optionalText(p, "repository.default_branch", 255).orElse(""));
    }

    private Inbound deployment(String delivery, JsonNode p) {
        String state = Payload.text(p, "deployment_status.state", 32);
        if (!state.equals("success")) {
            return new Inbound.Ignored("deployment status " + clip(state) + ": only successful deployments are tested");
        }
        Optional<Inbound> notTheApps = notTheAppsDelivery(p);
        if (notTheApps.isPresent()) {
            return notTheApps.get();
        }
        String ref = Payload.optionalText(p, "deployment.ref", 255).orElse("");
        if (MergeQueue.githubQueueBranch(ref)) {
            return new Inbound.Ignored(IgnoredBecause.MERGE_QUEUE, "deployment of the merge queue's branch " + clip(ref)
                    + ": the queue gets the PR's result (merge_group), not a run of its own");
        }
        Origin repository = new Origin(Platform.GITHUB, Payload.repository(p, "repository.full_name"), "", 0, "", installation(p));
        long deploymentId = Payload.positive(p, "deployment.id", Payload.MAX_ID);
        String sha = Payload.text(p, "deployment.sha", 40);
        if (!SHA.matcher(sha).matches()) {
            throw new BadDelivery("`deployment.sha` must be a 40-character commit SHA");
        }
        String environment = Payload.optionalText(p, "deployment_status.environment", 255)
                .or(() -> Payload.optionalText(p, "deployment.environment", 255)).orElse("");
        String url = Payload.optionalText(p, "deployment_status.environment_url", 2048).filter(u -> !u.isBlank())
                .or(() -> Payload.optionalText(p, "deployment_status.target_url", 2048)).orElse("");
        if (!CommandParser.isHttpUrl(url)) {
            return new Inbound.Ignored("successful deployment without an http(s) environment_url or target_url");
        }
        return new Inbound.Deployment(repository, String.valueOf(deploymentId), sha, environment, url, delivery,
                Payload.optionalText(p, "repository.default_branch", 255).orElse(""));
    }

    /**
     * {@code synchronize}: new commits on the PR (the bridge may cancel its runs on the older head); {@code ready_for_review}:
     * a draft became ready (the automatic run its deployment skipped may start).
     */
    private Inbound pullRequest(String delivery, String action, JsonNode p) {
        if (!action.equals("synchronize") && !action.equals("ready_for_review")) {
            return new Inbound.Ignored("pull request " + clip(action) + ": only new commits (synchronize) and ready_for_review matter to qa-bridge");
        }
        Optional<Inbound> notTheApps = notTheAppsDelivery(p);
        if (notTheApps.isPresent()) {
            return notTheApps.get();
        }
        Origin where = new Origin(Platform.GITHUB, Payload.repository(p, "repository.full_name"), "",
                Payload.positive(p, "pull_request.number", Payload.MAX_NUMBER), "", installation(p));
        String sha = Payload.text(p, "pull_request.head.sha", 40);
        if (!SHA.matcher(sha).matches()) {
            throw new BadDelivery("`pull_request.head.sha` must be a 40-character commit SHA");
        }
        String defaultBranch = Payload.optionalText(p, "repository.default_branch", 255).orElse("");
        return action.equals("ready_for_review") ? new Inbound.Ready(where, sha, delivery, defaultBranch)
                : new Inbound.Push(where, sha, delivery, defaultBranch);
    }

    /** The identifier of the check run's "Re-run failed tests" button ({@code StatusReport.RERUN_FAILED}). */
    private static final String RERUN_FAILED = dev.qabridge.core.StatusReport.RERUN_FAILED;

    /**
     * {@code rerequested}: someone clicked Re-run on one of the bridge's check runs (its external id is the run id);
     * {@code requested_action} {@code rerun-failed}: its "Re-run failed tests" button.
     */
    private Inbound checkRun(String delivery, String action, JsonNode p) {
        boolean failedOnly = action.equals("requested_action");
        if (failedOnly) {
            String identifier = Payload.optionalText(p, "requested_action.identifier", 40).orElse("");
            if (!identifier.equals(RERUN_FAILED)) {
                return new Inbound.Ignored("check run action '" + clip(identifier) + "': only " + RERUN_FAILED + " is qa-bridge's");
            }
        } else if (!action.equals("rerequested")) {
            return new Inbound.Ignored("check run " + clip(action) + ": only Re-run (rerequested) and Re-run failed tests "
                    + "(requested_action " + RERUN_FAILED + ") start anything");
        }
        String recall = Payload.optionalText(p, "check_run.external_id", 100).orElse("");
        if (!RUN_ID.matcher(recall).matches()) {
            return new Inbound.Ignored("check run not made by qa-bridge (its external_id is not a qa-bridge run)");
        }
        if (recall.startsWith(MERGE_QUEUE_RUN)) {
            return new Inbound.Ignored(IgnoredBecause.MERGE_QUEUE, "check run of a merge queue entry: re-run it by queueing the "
                    + "pull request again (merge_group asks for it)");
        }
        JsonNode pulls = Payload.at(p, "check_run.pull_requests");
        if (!pulls.isArray() || pulls.isEmpty()) {
            return new Inbound.Ignored("the check run's commit heads no pull request of this repository");
        }
        long number = Payload.positive(pulls.get(0), "number", Payload.MAX_NUMBER);
        Origin where = new Origin(Platform.GITHUB, Payload.repository(p, "repository.full_name"), "", number, "", installation(p));
        String login = Payload.text(p, "sender.login", 100);
        if ("Bot".equals(Payload.optionalText(p, "sender.type", 32).orElse(""))) {
            return new Inbound.Ignored(IgnoredBecause.BOT, "Re-run requested by a bot (" + clip(login) + ")");
        }
        long userId = Payload.at(p, "sender.id").canConvertToLong() ? Math.max(0, Payload.at(p, "sender.id").asLong()) : 0;
        return new Inbound.Rerun(where, new Person(login, userId, ""), recall,
                String.valueOf(Payload.positive(p, "check_run.id", Payload.MAX_ID)), delivery,
                Payload.optionalText(p, "repository.default_branch", 255).orElse(""), failedOnly);
    }

    /**
     * {@code checks_requested}: the merge queue waits for the bridge's check on the group's commit. The PR
     * is the one its {@code head_ref} names ({@code gh-readonly-queue/<base>/pr-<number>-<sha>}); a ref that
     * names none still gets a report, saying so. Nothing else about a merge group asks anything of the bridge.
     */
    private Inbound mergeGroup(String delivery, String action, JsonNode p) {
        if (!action.equals("checks_requested")) {
            String reason = Payload.optionalText(p, "reason", 32).map(r -> " (" + clip(r) + ")").orElse("");
            return new Inbound.Ignored("merge group " + clip(action) + reason + ": only checks_requested asks qa-bridge for a status");
        }
        Optional<Inbound> notTheApps = notTheAppsDelivery(p);
        if (notTheApps.isPresent()) {
            return notTheApps.get();
        }
        String sha = Payload.text(p, "merge_group.head_sha", 40);
        if (!SHA.matcher(sha).matches()) {
            throw new BadDelivery("`merge_group.head_sha` must be a 40-character commit SHA");
        }
        String ref = Payload.text(p, "merge_group.head_ref", 255);
        OptionalLong number = MergeQueue.pullRequestOf(ref);
        Origin where = new Origin(Platform.GITHUB, Payload.repository(p, "repository.full_name"), "", number.orElse(0), "", installation(p));
        String problem = number.isPresent() ? "" : "the merge group's ref " + clip(ref) + " names no pull request";
        return new Inbound.MergeQueue(where, sha, "q" + number.orElse(0) + "-" + sha, problem,
                delivery, Payload.optionalText(p, "repository.default_branch", 255).orElse(""));
    }

    /**
     * In App mode, a delivery without {@code installation.id} came through a repository or organization
     * webhook left from token mode: there is no token to answer it with, and the App delivers the same event
     * itself. Ignored, with the fix, so that whichever copy arrives first the App's is the one that runs.
     */
    private Optional<Inbound> notTheAppsDelivery(JsonNode p) {
        if (installation(p) != 0 || !auth.get().app()) {
            return Optional.empty();
        }
        return Optional.of(new Inbound.Ignored("delivery without installation.id, from a repository or organization webhook: "
                + "qa-bridge runs as a GitHub App and answers the App's deliveries only; delete this webhook"));
    }

    /** The GitHub App installation the delivery came through; 0 for a repository or organization webhook. */
    private static long installation(JsonNode p) {
        JsonNode id = Payload.at(p, "installation.id");
        return id.isMissingNode() || id.isNull() ? 0 : Payload.positive(p, "installation.id", Payload.MAX_ID);
    }

    private static String clip(String s) {
        return dev.qabridge.core.Strings.clip(s.replaceAll("[^\\p{L}\\p{N}_ ./-]", "?"), 60);
    }
}
