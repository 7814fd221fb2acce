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
import dev.qabridge.github.GitHubClient;
import dev.qabridge.github.GitHubSignature;
import dev.qabridge.http.JsonHttp;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A GitHub webhook delivery, from raw bytes to an answer: verify, parse, route by event and action,
 * decide (ignore, help, run), act. Headers arrive lower-cased, as API Gateway v2 hands them over.
 */
public final class GitHubDeliveries {
    private final Settings settings;
    private final Optional<String> secret;
    private final GitHubClient github;
    private final RunStore store;
    private final RunStarter starter;
    private final CommandParser parser;
    private final RepoConfig repoConfig;

    public GitHubDeliveries(Settings settings, Optional<String> secret, GitHubClient github, RunStore store, RunStarter starter,
                            RepoConfig repoConfig) {
        this.settings = settings;
        this.secret = secret;
        this.github = github;
        this.store = store;
        this.starter = starter;
        this.parser = new CommandParser(settings.command());
        this.repoConfig = repoConfig;
    }

    public Answer handle(Map<String, String> headers, byte[] body) {
        String delivery = headers.getOrDefault("x-github-delivery", "");
        String event = headers.getOrDefault("x-github-event", "");
        if (secret.isEmpty()) {
            return Answer.unauthorized("GitHub webhooks are not configured: set GITHUB_WEBHOOK_SECRET on the bridge");
        }
        String signature = headers.get("x-hub-signature-256");
        if (signature == null) {
            Log.warn("github.unsigned", delivery, null);
            return Answer.unauthorized("missing X-Hub-Signature-256: set the webhook's secret in GitHub to the bridge's GITHUB_WEBHOOK_SECRET");
        }
        if (!GitHubSignature.verify(secret.get(), body, signature)) {
            Log.warn("github.bad_signature", delivery, null);
            return Answer.unauthorized("X-Hub-Signature-256 does not match: check that the webhook secret in GitHub equals the bridge's GITHUB_WEBHOOK_SECRET");
        }
        JsonNode payload;
        try {
            payload = JsonHttp.JSON.readTree(body);
        } catch (IOException e) {
            return Answer.of(400, "error", "the body is not JSON: set the webhook's content type to application/json");
        }
        Log.info("github.received", delivery, null, "event", event, "action", payload.path("action").asText(""));
        return switch (event) {
            case "ping" -> Answer.of(200, "pong", "qa-bridge is listening");
            case "issue_comment" -> comment(delivery, payload);
            case "deployment_status" -> deployment(delivery, payload);
            default -> Answer.ignored("event '" + event + "' is not one qa-bridge acts on");
        };
    }

    private Answer comment(String delivery, JsonNode p) {
        String action = p.path("action").asText("");
        if (!action.equals("created")) {
            return Answer.ignored("comment " + action + ": only new comments are commands");
        }
        if (p.path("issue").path("pull_request").isMissingNode()) {
            return Answer.ignored("comment on an issue, not a pull request");
        }
        JsonNode sender = p.path("sender");
        String login = sender.path("login").asText("");
        if ("Bot".equals(sender.path("type").asText()) || settings.githubBotLogin().filter(login::equalsIgnoreCase).isPresent()) {
            return Answer.ignored("comment by a bot (" + login + ")");
        }
        JsonNode comment = p.path("comment");
        String text = comment.path("body").asText("");
        if (text.startsWith(Texts.MARKER)) {
            return Answer.ignored("comment written by qa-bridge");
        }
        Optional<Command> command = parser.parse(text);
        if (command.isEmpty()) {
            return Answer.ignored("no " + settings.command() + " command on the comment's first line");
        }
        String repo = p.path("repository").path("full_name").asText("");
        long number = p.path("issue").path("number").asLong();
        String commentId = comment.path("id").asText();
        ReviewThread thread = github.thread(repo, number);
        RepoConfig.Loaded loaded = repoSettings(delivery, p);
        Settings settings = loaded.settings();
        String association = comment.path("author_association").asText("NONE").toUpperCase(Locale.ROOT);
        if (!settings.allowedAssociations().contains(association)) {
            Log.info("github.untrusted", delivery, null, "association", association);
            thread.react(commentId, ReviewThread.Reaction.CONFUSED);
            return Answer.ignored("commenter " + login + " is " + association + ", not one of QA_ALLOWED_ASSOCIATIONS");
        }
        return store.withClaim(RunStore.deliveryKey("github", delivery), () -> {
            thread.react(commentId, ReviewThread.Reaction.EYES);
            repoConfig.report(loaded, repo, number, thread, delivery);
            return Commands.dispatch(command.get(), thread, settings, "github",
                    r -> run(delivery, repo, number, commentId, login, thread, r, settings));
        }).orElseGet(() -> duplicate(delivery));
    }

    private static Answer duplicate(String delivery) {
        Log.info("github.duplicate", delivery, null);
        return Answer.ignored("delivery " + delivery + " was already handled");
    }

    /** The repository's effective settings: its settings file on the default branch over the bridge's. */
    private RepoConfig.Loaded repoSettings(String delivery, JsonNode p) {
        String repo = p.path("repository").path("full_name").asText("");
        String defaultBranch = p.path("repository").path("default_branch").asText("");
        return repoConfig.load(repo, delivery, () -> github.file(repo, repoConfig.path(),
                defaultBranch.isBlank() ? github.defaultBranch(repo) : defaultBranch));
    }

    /**
     * A deployment status: a successful deployment to an auto-run environment starts one run per open
     * PR of its commit, once per deployment and PR, superseding the PR's previous automatic run.
     */
    private Answer deployment(String delivery, JsonNode p) {
        JsonNode status = p.path("deployment_status");
        JsonNode deployment = p.path("deployment");
        String state = status.path("state").asText("");
        if (!state.equals("success")) {
            return Answer.ignored("deployment status " + state + ": only successful deployments are tested");
        }
        String repo = p.path("repository").path("full_name").asText("");
        String deploymentId = deployment.path("id").asText("");
        String sha = deployment.path("sha").asText("");
        String environment = status.path("environment").asText(deployment.path("environment").asText(""));
        if (repo.isEmpty() || deploymentId.isEmpty() || sha.isEmpty()) {
            return Answer.ignored("deployment status without repository, deployment id or sha");
        }
        RepoConfig.Loaded loaded = repoSettings(delivery, p);
        Settings settings = loaded.settings();
        Optional<String> notHere = settings.noAutoRunBecause(environment);
        if (notHere.isPresent()) {
            return Answer.ignored(notHere.get());
        }
        String url = status.path("environment_url").asText("");
        if (!CommandParser.isHttpUrl(url)) {
            url = status.path("target_url").asText("");
        }
        if (!CommandParser.isHttpUrl(url)) {
            return Answer.ignored("successful deployment without an http(s) environment_url or target_url");
        }
        List<Long> pulls = github.openPullsFor(repo, sha);
        if (pulls.isEmpty()) {
            Log.info("github.autorun_no_pr", delivery, null, "sha", sha);
            return Answer.ignored("no open pull request has head " + sha);
        }
        Preview preview = new Preview(url, Preview.Source.DEPLOYMENT);
        return store.withClaim(RunStore.deliveryKey("github", delivery), () -> {
            return starter.startAutoRuns("github", delivery, repo, deploymentId, pulls, settings, number -> {
                PullRequest pr = github.pull(repo, number);
                ReviewThread thread = github.thread(repo, number);
                repoConfig.report(loaded, repo, number, thread, delivery);
                Log.info("github.autorun", delivery, null, "deployment", deploymentId, "number", number, "environment", environment);
                return new RunStarter.Request("github", delivery, pr, thread, "", "the " + environment + " deployment",
                        settings.autoRunMessage(), preview);
            });
        }).orElseGet(() -> duplicate(delivery));
    }

    private Answer run(String delivery, String repo, long number, String commentId, String login, ReviewThread thread, Command.Run run,
                       Settings settings) {
        PullRequest pr = github.pull(repo, number);
        Optional<Preview> preview = Preview.resolve(run.url(), () -> github.deployedUrl(repo, pr.headSha()),
                settings.previewUrlTemplate(), pr);
        if (preview.isEmpty()) {
            Log.info("github.no_preview", delivery, null, "sha", pr.headSha());
            thread.post(Texts.noPreview(settings, pr, "github"));
            return Answer.of(200, "noPreview", "no preview URL for " + pr.headSha());
        }
        return starter.start(new RunStarter.Request("github", delivery, pr, thread, commentId, login, run.instructions(), preview.get()),
                settings);
    }
}
