package dev.qabridge.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every non-secret setting, read once per container from the environment. The names are the same
 * in Lambda (template parameters), in {@code ./qa-bridge local} and in {@code events/env.json}.
 */
public record Settings(
        String qatechApiUrl,
        Optional<String> qatechProjectId,
        Optional<String> qatechApplicationId,
        String githubApiUrl,
        Optional<String> githubBotLogin,
        String gitlabApiUrl,
        Optional<String> previewUrlTemplate,
        String command,
        Set<String> allowedAssociations,
        int gitlabMinAccessLevel,
        int pollSeconds,
        Duration pollWindow,
        Duration startTimeout,
        Duration timeout,
        Optional<String> stateMachineArn,
        List<String> autoRunEnvironments,
        String autoRunMessage,
        boolean previewOnVercel,
        List<String> previewVercelHosts,
        boolean autoRunForks,
        String statusContext,
        NoVerdict statusOnNoVerdict,
        Concurrency concurrency,
        boolean cancelOnPush,
        MergeQueue.Mode mergeQueue) {

    /** What a {@code /qa} does while another run of the same PR is going ({@code QA_CONCURRENCY}). */
    public enum Concurrency { REJECT, QUEUE, PARALLEL }

    /** What a commit status or check run says when the agent gave no verdict ({@code QA_STATUS_ON_NO_VERDICT}). */
    public enum NoVerdict { ERROR, SUCCESS }

    /** Environments whose successful deployments start a run unless {@code AUTO_RUN_ENVIRONMENTS} says otherwise. */
    public static final String DEFAULT_AUTO_RUN_ENVIRONMENTS = "*preview*,review/*";
    public static final String DEFAULT_AUTO_RUN_MESSAGE = "Test what this pull request changes on its preview deployment: "
            + "exercise the affected pages and flows like a user would, and report anything broken or unexpected.";

    private static final Pattern PROJECT_ID = Pattern.compile("^proj(-.+_.+|_.+)$");
    private static final Pattern APPLICATION_ID = Pattern.compile("^app(-.+_.+|_.+)$");
    private static final Pattern COMMAND = Pattern.compile("^\\S+$");

    public static Settings from(Env env) {
        Settings s = new Settings(
                stripSlash(env.get("QATECH_API_URL", "https://api.qa.tech")),
                env.find("QATECH_PROJECT_ID"),
                env.find("QATECH_APPLICATION_ID"),
                stripSlash(env.get("GITHUB_API_URL", "https://api.github.com")),
                env.find("GITHUB_BOT_LOGIN"),
                stripSlash(env.get("GITLAB_API_URL", "https://gitlab.com/api/v4")),
                env.find("PREVIEW_URL_TEMPLATE"),
                env.get("QA_COMMAND", "/qa"),
                Arrays.stream(env.get("QA_ALLOWED_ASSOCIATIONS", "OWNER,MEMBER,COLLABORATOR").split(","))
                        .map(a -> a.trim().toUpperCase(Locale.ROOT)).filter(a -> !a.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()),
                env.integer("QA_GITLAB_MIN_ACCESS_LEVEL", 30),
                env.integer("QA_POLL_SECONDS", 3),
                Duration.ofSeconds(env.integer("QA_POLL_WINDOW_SECONDS", 120)),
                Duration.ofSeconds(env.integer("QATECH_START_TIMEOUT_SECONDS", 60)),
                Duration.ofMillis(Math.round(env.decimal("QA_TIMEOUT_MINUTES", 60) * 60_000)),
                env.find("STATE_MACHINE_ARN"),
                // Set but empty disables auto runs; unset means the default globs.
                Globs.parse(env.values().containsKey("AUTO_RUN_ENVIRONMENTS")
                        ? String.valueOf(env.values().get("AUTO_RUN_ENVIRONMENTS")) : DEFAULT_AUTO_RUN_ENVIRONMENTS),
                env.get("AUTO_RUN_MESSAGE", DEFAULT_AUTO_RUN_MESSAGE),
                false,
                Globs.parse(env.get("PREVIEW_VERCEL_HOSTS", "")),
                env.get("AUTO_RUN_FORKS", "false").equalsIgnoreCase("true"),
                env.get("QA_STATUS_CONTEXT", "qa-bridge"),
                noVerdict(env.get("QA_STATUS_ON_NO_VERDICT", "error")),
                concurrency("QA_CONCURRENCY", env.get("QA_CONCURRENCY", "reject")),
                env.get("QA_CANCEL_ON_PUSH", "false").equalsIgnoreCase("true"),
                MergeQueue.mode("QA_MERGE_QUEUE", env.get("QA_MERGE_QUEUE", "mirror")));
        s.validate();
        return s;
    }

    /** {@code reject}, {@code queue} or {@code parallel}; {@code setting} names where the value came from. */
    public static Concurrency concurrency(String setting, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "reject" -> Concurrency.REJECT;
            case "queue" -> Concurrency.QUEUE;
            case "parallel" -> Concurrency.PARALLEL;
            default -> throw new IllegalStateException(setting + " must be reject, queue or parallel, got '" + value + "'");
        };
    }

    private static NoVerdict noVerdict(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "error" -> NoVerdict.ERROR;
            case "success" -> NoVerdict.SUCCESS;
            default -> throw new IllegalStateException("QA_STATUS_ON_NO_VERDICT must be error or success, got '" + value + "'");
        };
    }

    private void validate() {
        if (statusContext.isBlank() || statusContext.length() > 100) {
            throw new IllegalStateException("QA_STATUS_CONTEXT must be 1 to 100 characters (the commit status's context / the check's name)");
        }
        qatechProjectId.filter(id -> !PROJECT_ID.matcher(id).matches()).ifPresent(id -> {
            throw new IllegalStateException("QATECH_PROJECT_ID '" + id + "' is not a QA.tech project short id (proj_… or proj-slug_…)");
        });
        qatechApplicationId.filter(id -> !APPLICATION_ID.matcher(id).matches()).ifPresent(id -> {
            throw new IllegalStateException("QATECH_APPLICATION_ID '" + id + "' is not a QA.tech application short id (app_… or app-slug_…)");
        });
        if (!COMMAND.matcher(command).matches()) {
            throw new IllegalStateException("QA_COMMAND must be one word without spaces, got '" + command + "'");
        }
        if (allowedAssociations.isEmpty()) {
            throw new IllegalStateException("QA_ALLOWED_ASSOCIATIONS is empty: nobody could run commands (e.g. OWNER,MEMBER,COLLABORATOR)");
        }
        if (pollSeconds < 1 || pollWindow.toSeconds() < pollSeconds || pollWindow.toSeconds() > 840) {
            throw new IllegalStateException("QA_POLL_SECONDS must be ≥ 1 (QA.tech asks for ≥ 2 in production), and QA_POLL_WINDOW_SECONDS "
                    + "between QA_POLL_SECONDS and 840 (the poller function's timeout is 900 s)");
        }
        if (startTimeout.toSeconds() < 5 || startTimeout.toSeconds() > 120) {
            throw new IllegalStateException("QATECH_START_TIMEOUT_SECONDS must be between 5 and 120 (the actions function's timeout is 150 s)");
        }
        if (autoRunMessage.isBlank()) {
            throw new IllegalStateException("AUTO_RUN_MESSAGE must not be blank");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.toMinutes() > 1_440) {
            throw new IllegalStateException("QA_TIMEOUT_MINUTES must be positive and at most 1440 (a day): the run's own deadline must "
                    + "come before the execution's (25 h), so that it still replies and sets its final status");
        }
    }

    /** True when a deployment to {@code environment} starts an automatic run. */
    public boolean autoRuns(String environment) {
        return Globs.matchesAny(autoRunEnvironments, environment);
    }

    /** Why a successful deployment to {@code environment} starts no automatic run; empty when it does start one. */
    public Optional<String> noAutoRunBecause(String environment) {
        if (autoRunEnvironments.isEmpty()) {
            return Optional.of("automatic runs are disabled (AUTO_RUN_ENVIRONMENTS is empty)");
        }
        if (!autoRuns(environment)) {
            return Optional.of("environment '" + environment + "' matches none of the auto-run environments "
                    + String.join(",", autoRunEnvironments));
        }
        return Optional.empty();
    }

    /**
     * These settings with one repository's settings file laid over them: every key the file sets
     * wins, everything else stays the bridge's.
     */
    public Settings with(RepoSettings repo) {
        return new Settings(qatechApiUrl, repo.projectId().or(() -> qatechProjectId), repo.applicationId().or(() -> qatechApplicationId),
                githubApiUrl, githubBotLogin, gitlabApiUrl, repo.urlTemplate().or(() -> previewUrlTemplate), command,
                repo.associations().orElse(allowedAssociations), repo.minAccessLevel().orElse(gitlabMinAccessLevel),
                pollSeconds, pollWindow, startTimeout, timeout, stateMachineArn,
                repo.autoRunEnvironments().orElse(autoRunEnvironments), repo.autoRunMessage().orElse(autoRunMessage),
                repo.vercel().orElse(previewOnVercel), repo.vercelHosts().orElse(previewVercelHosts), repo.forks().orElse(autoRunForks), statusContext,
                repo.onNoVerdict().orElse(statusOnNoVerdict), repo.concurrency().orElse(concurrency),
                repo.cancelOnPush().orElse(cancelOnPush), repo.mergeQueue().orElse(mergeQueue));
    }

    public String applicationIdOrThrow() {
        return qatechApplicationId.orElseThrow(() -> new Env.MissingSettingException("QATECH_APPLICATION_ID"));
    }

    public String stateMachineArnOrThrow() {
        return stateMachineArn.orElseThrow(() -> new Env.MissingSettingException("STATE_MACHINE_ARN"));
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
