package dev.qabridge.flow;

import dev.qabridge.core.ApiException;
import dev.qabridge.core.BadDelivery;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.IgnoredBecause;
import dev.qabridge.core.Inbound;
import dev.qabridge.core.Log;
import dev.qabridge.core.Metrics;
import dev.qabridge.core.NotAuthorized;
import dev.qabridge.core.Platform;
import dev.qabridge.core.TransientApiError;
import dev.qabridge.github.GitHubEvents;
import dev.qabridge.gitlab.GitLabEvents;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One webhook request, from raw bytes to an answer: size, route, the platform's translation
 * (verification, strict parsing), then the shared {@link Decider}. Bad input gets a clear 4xx and
 * changes nothing; an event the bridge ignores gets a 2xx saying why; only the bridge's own failures
 * (or a platform that cannot be read right now) answer 5xx, so that a person can redeliver.
 */
public final class Webhook {
    /**
     * Larger bodies are verified before anything else is done with them: an unverified one is refused
     * (413), a verified one is still read up to {@link #MAX_VERIFIED_BODY} (GitLab notes reach 1,000,000
     * characters, so a long command is answered, not refused).
     */
    public static final int MAX_BODY = 2 * 1024 * 1024;
    /**
     * The most a verified delivery may hold and still be read: Lambda's own limit on a request (6 MB).
     * A verified delivery beyond it is answered 200 with the reason: a platform that hears 4xx or 5xx
     * for its own deliveries disables the hook (GitLab: after four in a row).
     */
    public static final int MAX_VERIFIED_BODY = 6 * 1024 * 1024;

    private final Optional<GitHubEvents> github;
    private final Optional<GitLabEvents> gitlab;
    private final Supplier<CodeHost> githubHost;
    private final Supplier<CodeHost> gitlabHost;
    private final Decider decider;

    public Webhook(Optional<GitHubEvents> github, Optional<GitLabEvents> gitlab, Supplier<CodeHost> githubHost,
                   Supplier<CodeHost> gitlabHost, Decider decider) {
        this.github = github;
        this.gitlab = gitlab;
        this.githubHost = githubHost;
        this.gitlabHost = gitlabHost;
        this.decider = decider;
    }

    public Answer handle(String path, Map<String, String> headers, byte[] body, String request) {
        String platform = (path.equals("/webhooks/gitlab") ? Platform.GITLAB : Platform.GITHUB).wireName();
        try (var serving = Metrics.serving(platform)) {
            Answer answer = answer(path, headers, body, request);
            if (answer.status() == 202) {
                Metrics.count(Metrics.COMMANDS_ACCEPTED, platform, Map.of());
            } else if (answer.because() != null) {
                Metrics.count(Metrics.COMMANDS_IGNORED, platform, Map.of(Metrics.REASON, answer.because().metric()));
            }
            return answer;
        }
    }

    private Answer answer(String path, Map<String, String> headers, byte[] body, String request) {
        String delivery = path.equals("/webhooks/gitlab") ? GitLabEvents.deliveryId(headers) : GitHubEvents.deliveryId(headers);
        if (body.length > MAX_BODY) {
            Log.warn("webhook.too_large", delivery, null, "bytes", body.length);
            try {
                switch (path) {
                    case "/webhooks/github" -> github.filter(GitHubEvents::configured).orElseThrow(() -> new NotAuthorized("")).verify(headers, body);
                    case "/webhooks/gitlab" -> gitlab.filter(GitLabEvents::configured).orElseThrow(() -> new NotAuthorized("")).verify(headers, body);
                    default -> throw new NotAuthorized("");
                }
            } catch (NotAuthorized | dev.qabridge.core.BadDelivery e) {
                return Answer.of(413, "error", "the body is " + body.length + " bytes and is not signed with the bridge's secret; "
                        + "qa-bridge reads unsigned bodies of at most " + MAX_BODY);
            }
            if (body.length > MAX_VERIFIED_BODY) {
                return Answer.ignored(IgnoredBecause.TOO_LARGE, "the delivery is " + body.length + " bytes; qa-bridge reads at most "
                        + MAX_VERIFIED_BODY + " (Lambda's limit), so nothing was started");
            }
        }
        try {
            return switch (path) {
                case "/webhooks/github" -> github.filter(GitHubEvents::configured)
                        .map(g -> decide(g.read(headers, body), githubHost, request))
                        .orElseGet(() -> Answer.unauthorized("GitHub webhooks are not configured: set GITHUB_WEBHOOK_SECRET on the bridge"));
                case "/webhooks/gitlab" -> gitlab.filter(GitLabEvents::configured)
                        .map(g -> decide(g.read(headers, body), gitlabHost, request))
                        .orElseGet(() -> Answer.unauthorized("GitLab webhooks are not configured: set GITLAB_WEBHOOK_SECRET on the bridge"));
                default -> Answer.of(404, "error", "no webhook here: use /webhooks/github or /webhooks/gitlab");
            };
        } catch (NotAuthorized e) {
            return Answer.unauthorized(e.getMessage());
        } catch (BadDelivery e) {
            Log.warn("webhook.bad_delivery", delivery, null, "reason", e.getMessage());
            return Answer.of(400, "error", e.getMessage());
        } catch (TransientApiError e) {
            Log.warn("webhook.unavailable", delivery, null, "message", e.getMessage());
            return Answer.of(503, "error", "qa-bridge could not read what it needs right now (" + e.getMessage()
                    + "); nothing was started: redeliver it in a few minutes");
        } catch (ApiException e) {
            if (e.isTransient()) {
                // e.g. the App's installation token could not be had: GitHub never redelivers by itself, so say it failed
                Log.warn("webhook.unavailable", delivery, null, "status", e.status(), "message", e.getMessage());
                return Answer.of(503, "error", "qa-bridge could not read what it needs right now (" + e.getMessage()
                        + "); nothing was started: redeliver it in a few minutes");
            }
            Log.warn("webhook.refused", delivery, null, "status", e.status(), "message", e.getMessage());
            return Answer.ignored(IgnoredBecause.REFUSED, "nothing was started: " + e.getMessage());
        }
    }

    private Answer decide(Inbound inbound, Supplier<CodeHost> host, String request) {
        // Ignored and ping need no platform client: a stack without a token still answers them.
        return switch (inbound) {
            case Inbound.Ignored i -> Answer.ignored(i);
            case Inbound.Ping p -> Answer.of(200, "pong", "qa-bridge is listening");
            default -> decider.decide(inbound, host.get(), request);
        };
    }
}
