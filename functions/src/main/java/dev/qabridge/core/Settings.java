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
 * The groups are a repository settings file's sections ({@link RepoSettings}), which
 * {@link #with(RepoSettings)} lays over them; {@link CodeHosts}, {@link Polling} and the state
 * machine's ARN are the bridge's own, which no file changes.
 */
public record Settings(
        Qatech qatech,
        CodeHosts codeHosts,
        Preview preview,
        AutoRun autoRun,
        Status status,
        Commands commands,
        Trusted trusted,
        Polling polling,
        MergeQueue.Mode mergeQueue,
        Review review,
        Optional<String> stateMachineArn) {

    /**
     * How a change review sends the PR: its title, description and unified diff ({@code RAW_CHANGES}, cut at
     * {@code maxDiffKb}), or its URL for QA.tech to read itself ({@code PR}) ({@code QA_REVIEW_*}; the file's {@code review}).
     */
    public record Review(ReviewMode mode, int maxDiffKb) {}

    /** {@code rawChanges} or {@code pr}. */
    public enum ReviewMode { RAW_CHANGES, PR }

    /** What an automatic run does: a conversation or a change review ({@code AUTO_RUN_MODE}; the file's {@code autoRun.mode}). */
    public enum AutoRunMode { CHAT, REVIEW }

    /** {@code rawChanges} or {@code pr}; {@code setting} names where the value came from. */
    public static ReviewMode reviewMode(String setting, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "rawchanges" -> ReviewMode.RAW_CHANGES;
            case "pr" -> ReviewMode.PR;
            default -> throw new IllegalStateException(setting + " must be rawChanges or pr, got '" + value + "'");
        };
    }

    /** {@code chat} or {@code review}; {@code setting} names where the value came from. */
    public static AutoRunMode autoRunMode(String setting, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "chat" -> AutoRunMode.CHAT;
            case "review" -> AutoRunMode.REVIEW;
            default -> throw new IllegalStateException(setting + " must be chat or review, got '" + value + "'");
        };
    }

    /** What a {@code /qa} does while another run of the same PR is going ({@code QA_CONCURRENCY}). */
    public enum Concurrency { REJECT, QUEUE, PARALLEL }

    /** What a commit status or check run says when the agent gave no verdict ({@code QA_STATUS_ON_NO_VERDICT}). */
    public enum NoVerdict { ERROR, SUCCESS }

    /** What a status says when a test plan's failures are all the agent's or platform's misses ({@code QA_STATUS_ON_AGENT_MISS}). */
    public enum AgentMiss { ERROR, FAILURE }

    /**
     * QA.tech's API, the project and application runs go to, and the test plan {@code /qa plan} runs when it names none
     * ({@code QATECH_*}; the file's {@code qatech} section).
     */
    public record Qatech(String apiUrl, Optional<String> projectId, Optional<String> applicationId, Optional<String> testPlan) {
        public String applicationIdOrThrow() {
            return applicationId.orElseThrow(() -> new Env.MissingSettingException("QATECH_APPLICATION_ID"));
        }
    }

    /** The code hosts' APIs, and the login the bridge comments as on GitHub ({@code GITHUB_*}, {@code GITLAB_API_URL}). */
    public record CodeHosts(String githubApiUrl, Optional<String> githubBotLogin, String gitlabApiUrl) {}

    /** Where a pull request's preview is ({@code PREVIEW_*}; the file's {@code preview} section). */
    public record Preview(Optional<String> urlTemplate, boolean onVercel, List<String> vercelHosts) {}

    /**
     * Which deployments start a run by themselves, and what that run is asked, or the test plan it runs instead of a
     * conversation ({@code AUTO_RUN_*}; the file's {@code autoRun}).
     */
    public record AutoRun(List<String> environments, String message, boolean forks, Optional<String> testPlan, AutoRunMode mode,
                          Skip skip) {

        /** True when a deployment to {@code environment} starts an automatic run. */
        public boolean runs(String environment) {
            return Globs.matchesAny(environments, environment);
        }

        /** Why a successful deployment to {@code environment} starts no automatic run; empty when it does start one. */
        public Optional<String> noRunBecause(String environment) {
            if (environments.isEmpty()) {
                return Optional.of("automatic runs are disabled (AUTO_RUN_ENVIRONMENTS is empty)");
            }
            if (!runs(environment)) {
                return Optional.of("environment '" + environment + "' matches none of the auto-run environments "
                        + String.join(",", environments));
            }
            return Optional.empty();
        }
    }

    /**
     * When a deployment's automatic run is skipped ({@code AUTO_RUN_SKIP_*}, {@code AUTO_RUN_PATHS}, {@code AUTO_RUN_IGNORE_PATHS},
     * {@code AUTO_RUN_BRANCHES}; the file's {@code autoRun.skipDrafts}, … ): a draft, a PR opened by a bot, one with one of
     * {@code labels}, one none of whose changed files matches {@code paths} (when set), one all of whose changed files match
     * {@code ignorePaths} (when set), one whose target branch matches none of {@code branches} (when set). Paths and branches
     * are {@link PathGlob}s.
     */
    public record Skip(boolean drafts, boolean bots, List<String> labels, List<String> paths, List<String> ignorePaths,
                       List<String> branches) {

        /** True when a rule needs the PR's changed files. */
        public boolean readsFiles() {
            return !paths.isEmpty() || !ignorePaths.isEmpty();
        }
    }

    /** Most patterns (or labels) one skip rule takes: what a run matches stays bounded however the file is written. */
    public static final int MAX_SKIP_PATTERNS = 100;

    /** What a skipped automatic run reports: success "Skipped: …" (a check run concluded skipped), or nothing ({@code QA_STATUS_ON_SKIP}). */
    public enum OnSkip { SUCCESS, NONE }

    /** {@code success} or {@code none}; {@code setting} names where the value came from. */
    public static OnSkip onSkip(String setting, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "success" -> OnSkip.SUCCESS;
            case "none" -> OnSkip.NONE;
            default -> throw new IllegalStateException(setting + " must be success or none, got '" + value + "'");
        };
    }

    /**
     * The commit status's context (check run's name), what it says without a verdict, when a test plan's failures are
     * all the agent's misses, and when an automatic run was skipped ({@code QA_STATUS_*}; the file's {@code status}).
     */
    public record Status(String context, NoVerdict onNoVerdict, AgentMiss onAgentMiss, OnSkip onSkip) {}

    /** The command word, and what a command does beside another run ({@code QA_COMMAND}, {@code QA_CONCURRENCY}, {@code QA_CANCEL_ON_PUSH}). */
    public record Commands(String word, Concurrency concurrency, boolean cancelOnPush) {}

    /** Who may run commands ({@code QA_ALLOWED_ASSOCIATIONS}, {@code QA_GITLAB_MIN_ACCESS_LEVEL}; the file's {@code trusted}). */
    public record Trusted(Set<String> associations, int gitlabMinAccessLevel) {}

    /** How often and how long a run is watched ({@code QA_POLL_*}, {@code QATECH_START_TIMEOUT_SECONDS}, {@code QA_TIMEOUT_MINUTES}). */
    public record Polling(int seconds, Duration window, Duration startTimeout, Duration timeout) {}

    /** Environments whose successful deployments start a run unless {@code AUTO_RUN_ENVIRONMENTS} says otherwise. */
    public static final String DEFAULT_AUTO_RUN_ENVIRONMENTS = "*preview*,review/*";
    public static final String DEFAULT_AUTO_RUN_MESSAGE = "Test what this pull request changes on its preview deployment: "
            + "exercise the affected pages and flows like a user would, and report anything broken or unexpected.";

    private static final Pattern COMMAND = Pattern.compile("^\\S+$");

    public static Settings from(Env env) {
        // Read in this order so that, of several bad values, the same one is reported first as always.
        Qatech qatech = new Qatech(stripSlash(env.get("QATECH_API_URL", "https://api.qa.tech")),
                env.find("QATECH_PROJECT_ID"),
                env.find("QATECH_APPLICATION_ID"),
                env.find("QATECH_TEST_PLAN"));
        CodeHosts codeHosts = new CodeHosts(stripSlash(env.get("GITHUB_API_URL", "https://api.github.com")),
                env.find("GITHUB_BOT_LOGIN"),
                stripSlash(env.get("GITLAB_API_URL", "https://gitlab.com/api/v4")));
        Optional<String> urlTemplate = env.find("PREVIEW_URL_TEMPLATE");
        String command = env.get("QA_COMMAND", "/qa");
        Trusted trusted = new Trusted(Arrays.stream(env.get("QA_ALLOWED_ASSOCIATIONS", "OWNER,MEMBER,COLLABORATOR").split(","))
                .map(a -> a.trim().toUpperCase(Locale.ROOT)).filter(a -> !a.isEmpty())
                .collect(Collectors.toUnmodifiableSet()),
                env.integer("QA_GITLAB_MIN_ACCESS_LEVEL", 30));
        Polling polling = new Polling(env.integer("QA_POLL_SECONDS", 3),
                Duration.ofSeconds(env.integer("QA_POLL_WINDOW_SECONDS", 120)),
                Duration.ofSeconds(env.integer("QATECH_START_TIMEOUT_SECONDS", 60)),
                Duration.ofMillis(Math.round(env.decimal("QA_TIMEOUT_MINUTES", 60) * 60_000)));
        Optional<String> stateMachineArn = env.find("STATE_MACHINE_ARN");
        // Set but empty disables auto runs; unset means the default globs.
        List<String> autoRunEnvironments = Globs.parse(env.values().containsKey("AUTO_RUN_ENVIRONMENTS")
                ? String.valueOf(env.values().get("AUTO_RUN_ENVIRONMENTS")) : DEFAULT_AUTO_RUN_ENVIRONMENTS);
        String autoRunMessage = env.get("AUTO_RUN_MESSAGE", DEFAULT_AUTO_RUN_MESSAGE);
        Preview preview = new Preview(urlTemplate, false, Globs.parse(env.get("PREVIEW_VERCEL_HOSTS", "")));
        AutoRun autoRun = new AutoRun(autoRunEnvironments, autoRunMessage, env.get("AUTO_RUN_FORKS", "false").equalsIgnoreCase("true"),
                env.find("AUTO_RUN_TEST_PLAN"), autoRunMode("AUTO_RUN_MODE", env.get("AUTO_RUN_MODE", "chat")),
                new Skip(bool(env, "AUTO_RUN_SKIP_DRAFTS", true), bool(env, "AUTO_RUN_SKIP_BOTS", false),
                        Globs.parse(env.get("AUTO_RUN_SKIP_LABELS", "")), Globs.parse(env.get("AUTO_RUN_PATHS", "")),
                        Globs.parse(env.get("AUTO_RUN_IGNORE_PATHS", "")), Globs.parse(env.get("AUTO_RUN_BRANCHES", ""))));
        Status status = new Status(env.get("QA_STATUS_CONTEXT", "qa-bridge"), noVerdict(env.get("QA_STATUS_ON_NO_VERDICT", "error")),
                agentMiss("QA_STATUS_ON_AGENT_MISS", env.get("QA_STATUS_ON_AGENT_MISS", "error")),
                onSkip("QA_STATUS_ON_SKIP", env.get("QA_STATUS_ON_SKIP", "success")));
        Commands commands = new Commands(command, concurrency("QA_CONCURRENCY", env.get("QA_CONCURRENCY", "reject")),
                env.get("QA_CANCEL_ON_PUSH", "false").equalsIgnoreCase("true"));
        Settings s = new Settings(qatech, codeHosts, preview, autoRun, status, commands, trusted, polling,
                MergeQueue.mode("QA_MERGE_QUEUE", env.get("QA_MERGE_QUEUE", "mirror")),
                new Review(reviewMode("QA_REVIEW_MODE", env.get("QA_REVIEW_MODE", "rawChanges")), env.integer("QA_REVIEW_MAX_DIFF_KB", 200)),
                stateMachineArn);
        s.validate();
        return s;
    }

    /** {@code true} or {@code false} (any case); unset is {@code otherwise}. */
    private static boolean bool(Env env, String name, boolean otherwise) {
        String v = env.get(name, String.valueOf(otherwise)).trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalStateException(name + " must be true or false, got '" + v + "'");
        };
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

    /** {@code error} or {@code failure}; {@code setting} names where the value came from. */
    public static AgentMiss agentMiss(String setting, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "error" -> AgentMiss.ERROR;
            case "failure" -> AgentMiss.FAILURE;
            default -> throw new IllegalStateException(setting + " must be error or failure, got '" + value + "'");
        };
    }

    private void validate() {
        if (status.context().isBlank() || status.context().length() > 100) {
            throw new IllegalStateException("QA_STATUS_CONTEXT must be 1 to 100 characters (the commit status's context / the check's name)");
        }
        qatech.projectId().filter(id -> !QaTechIds.isProject(id)).ifPresent(id -> {
            throw new IllegalStateException("QATECH_PROJECT_ID '" + id + "' is not a QA.tech project short id ("
                    + QaTechIds.PROJECT_FORM + ")");
        });
        qatech.applicationId().filter(id -> !QaTechIds.isApplication(id)).ifPresent(id -> {
            throw new IllegalStateException("QATECH_APPLICATION_ID '" + id + "' is not a QA.tech application short id ("
                    + QaTechIds.APPLICATION_FORM + ")");
        });
        for (var plan : List.of(java.util.Map.entry("QATECH_TEST_PLAN", qatech.testPlan()), java.util.Map.entry("AUTO_RUN_TEST_PLAN", autoRun.testPlan()))) {
            plan.getValue().filter(id -> !QaTechIds.isTestPlan(id)).ifPresent(id -> {
                throw new IllegalStateException(plan.getKey() + " '" + id + "' is not a QA.tech test plan short id (" + QaTechIds.TEST_PLAN_FORM + ")");
            });
        }
        if (review.maxDiffKb() < 1 || review.maxDiffKb() > 2_000) {
            throw new IllegalStateException("QA_REVIEW_MAX_DIFF_KB must be between 1 and 2000 (KB of diff a change review sends)");
        }
        if (!COMMAND.matcher(commands.word()).matches()) {
            throw new IllegalStateException("QA_COMMAND must be one word without spaces, got '" + commands.word() + "'");
        }
        if (trusted.associations().isEmpty()) {
            throw new IllegalStateException("QA_ALLOWED_ASSOCIATIONS is empty: nobody could run commands (e.g. OWNER,MEMBER,COLLABORATOR)");
        }
        int pollSeconds = polling.seconds();
        long pollWindow = polling.window().toSeconds();
        if (pollSeconds < 1 || pollWindow < pollSeconds || pollWindow > 840) {
            throw new IllegalStateException("QA_POLL_SECONDS must be ≥ 1 (QA.tech asks for ≥ 2 in production), and QA_POLL_WINDOW_SECONDS "
                    + "between QA_POLL_SECONDS and 840 (the poller function's timeout is 900 s)");
        }
        if (polling.startTimeout().toSeconds() < 5 || polling.startTimeout().toSeconds() > 120) {
            throw new IllegalStateException("QATECH_START_TIMEOUT_SECONDS must be between 5 and 120 (the actions function's timeout is 150 s)");
        }
        Skip skip = autoRun.skip();
        for (var rule : List.of(java.util.Map.entry("AUTO_RUN_SKIP_LABELS", skip.labels()), java.util.Map.entry("AUTO_RUN_PATHS", skip.paths()),
                java.util.Map.entry("AUTO_RUN_IGNORE_PATHS", skip.ignorePaths()), java.util.Map.entry("AUTO_RUN_BRANCHES", skip.branches()))) {
            if (rule.getValue().size() > MAX_SKIP_PATTERNS || rule.getValue().stream().anyMatch(g -> g.length() > PathGlob.MAX_PATTERN)) {
                throw new IllegalStateException(rule.getKey() + " takes at most " + MAX_SKIP_PATTERNS + " entries of at most "
                        + PathGlob.MAX_PATTERN + " characters");
            }
        }
        if (autoRun.message().isBlank()) {
            throw new IllegalStateException("AUTO_RUN_MESSAGE must not be blank");
        }
        Duration timeout = polling.timeout();
        if (timeout.isNegative() || timeout.isZero() || timeout.toMinutes() > 1_440) {
            throw new IllegalStateException("QA_TIMEOUT_MINUTES must be positive and at most 1440 (a day): the run's own deadline must "
                    + "come before the execution's (25 h), so that it still replies and sets its final status");
        }
    }

    /**
     * These settings with one repository's settings file laid over them: every key the file sets
     * wins, everything else stays the bridge's. The groups are the file's sections.
     */
    public Settings with(RepoSettings repo) {
        return new Settings(
                new Qatech(qatech.apiUrl(), repo.projectId().or(qatech::projectId), repo.applicationId().or(qatech::applicationId),
                        repo.testPlan().or(qatech::testPlan)),
                codeHosts,
                new Preview(repo.urlTemplate().or(preview::urlTemplate), repo.vercel().orElse(preview.onVercel()),
                        repo.vercelHosts().orElse(preview.vercelHosts())),
                new AutoRun(repo.autoRunEnvironments().orElse(autoRun.environments()), repo.autoRunMessage().orElse(autoRun.message()),
                        repo.forks().orElse(autoRun.forks()), repo.autoRunTestPlan().or(autoRun::testPlan),
                        repo.autoRunMode().orElse(autoRun.mode()), repo.skips().over(autoRun.skip())),
                new Status(status.context(), repo.onNoVerdict().orElse(status.onNoVerdict()), repo.onAgentMiss().orElse(status.onAgentMiss()),
                        repo.onSkip().orElse(status.onSkip())),
                new Commands(commands.word(), repo.concurrency().orElse(commands.concurrency()),
                        repo.cancelOnPush().orElse(commands.cancelOnPush())),
                new Trusted(repo.associations().orElse(trusted.associations()), repo.minAccessLevel().orElse(trusted.gitlabMinAccessLevel())),
                polling,
                repo.mergeQueue().orElse(mergeQueue),
                new Review(repo.reviewMode().orElse(review.mode()), review.maxDiffKb()),
                stateMachineArn);
    }

    public String stateMachineArnOrThrow() {
        return stateMachineArn.orElseThrow(() -> new Env.MissingSettingException("STATE_MACHINE_ARN"));
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
