package dev.qabridge.flow;

import dev.qabridge.core.Ask;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Command;
import dev.qabridge.core.CommandParser;
import dev.qabridge.core.IgnoredBecause;
import dev.qabridge.core.Inbound;
import dev.qabridge.core.Log;
import dev.qabridge.core.MergeQueue;
import dev.qabridge.core.Origin;
import dev.qabridge.core.Platform;
import dev.qabridge.core.PullRequest;
import dev.qabridge.core.RunInput;
import dev.qabridge.core.RunStateJson;
import dev.qabridge.core.Settings;
import dev.qabridge.core.Strings;
import dev.qabridge.core.WorkKind;
import dev.qabridge.core.Workflow;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Optional;

/**
 * What the webhook decides for a translated delivery, the same way for GitHub and GitLab: ignore it
 * (with the reason), or start one run per command (an execution named after the comment, so a second
 * delivery of the same comment is refused by Step Functions) or per PR of a deployment. It reads (the
 * settings file, trust, the PRs of a commit) but never writes: every side effect is a state of the run.
 */
public final class Decider {
    private final Settings settings;
    private final RepoConfig repoConfig;
    private final Workflow workflow;
    private final Clock clock;
    private final CommandParser parser;

    public Decider(Settings settings, RepoConfig repoConfig, Workflow workflow, Clock clock) {
        this.settings = settings;
        this.repoConfig = repoConfig;
        this.workflow = workflow;
        this.clock = clock;
        this.parser = new CommandParser(settings.commands().word());
    }

    public Answer decide(Inbound inbound, CodeHost host, String request) {
        return switch (inbound) {
            case Inbound.Ignored i -> Answer.ignored(i);
            case Inbound.Ping p -> Answer.of(200, "pong", "qa-bridge is listening");
            case Inbound.Comment c -> comment(c, host, request);
            case Inbound.Deployment d -> deployment(d, host, request);
            case Inbound.Push p -> push(p, host, request);
            case Inbound.Rerun r -> rerun(r, host, request);
            case Inbound.MergeQueue q -> mergeQueue(q, host, request);
            case Inbound.Ready r -> ready(r, host, request);
        };
    }

    private Answer comment(Inbound.Comment c, CodeHost host, String request) {
        Optional<Command> command = parser.parse(c.text());
        if (command.isEmpty()) {
            return Answer.ignored(IgnoredBecause.NOT_A_COMMAND, "no " + settings.commands().word() + " command on the comment's first line");
        }
        // The settings file and the commenter's membership (GitLab) are read at the same time
        Future<RepoConfig.Loaded> loading = beside(() -> repoConfig.load(host, c.where(), c.defaultBranch(), c.deliveryId()));
        String runId = runId(host.platform(), (c.where().gitlab() ? "n" : "c") + c.commentId());
        Optional<String> untrusted = host.whyNotTrusted(c.where(), c.author(), () -> join(loading).settings());
        RepoConfig.Loaded loaded = join(loading);
        if (untrusted.isPresent()) {
            Log.info(host.platform().wireName() + ".untrusted", c.deliveryId(), null, "run", runId);
            start(runId, RunInput.REFUSE, c.where(), ask(c, "", ""), untrusted.get(), loaded, request);
            return Answer.ignored(IgnoredBecause.UNTRUSTED, untrusted.get());
        }
        return switch (command.get()) {
            case Command.Help h -> accepted(runId, start(runId, RunInput.HELP, c.where(), ask(c, "", ""), "", loaded, request), "help");
            case Command.Status s -> accepted(runId, start(runId, RunInput.STATUS, c.where(), ask(c, "", ""), "", loaded, request), "status");
            case Command.Cancel x -> accepted(runId, start(runId, RunInput.CANCEL, c.where(), ask(c, "", ""), "", loaded, request), "cancel");
            case Command.Invalid i ->
                    accepted(runId, start(runId, RunInput.INVALID, c.where(), ask(c, "", ""), i.problem(), loaded, request), "invalid");
            case Command.FollowUp f ->
                    accepted(runId, start(runId, RunInput.FOLLOWUP, c.where(), ask(c, f.text(), ""), "", loaded, request), "followup");
            case Command.Run r -> accepted(runId,
                    start(runId, RunInput.RUN, c.where(), ask(c, r.instructions(), r.url().orElse("")), "", loaded, request), "run");
            case Command.Plan p -> plan(runId, c, p, loaded, request);
            case Command.Review r -> accepted(runId, start(new RunInput(runId, RunInput.RUN, c.where(),
                    ask(c, r.focus().orElse(REVIEW), ""), "", loaded.file(), deadline(loaded), loaded.settings().polling().seconds(), request,
                    "", WorkKind.REVIEW, "")), "review");
            case Command.RerunFailed x -> accepted(runId, start(new RunInput(runId, RunInput.FOLLOWUP, c.where(),
                    ask(c, RERUN_FAILED, ""), "", loaded.file(), deadline(loaded), loaded.settings().polling().seconds(), request, "",
                    WorkKind.PLAN, "")), "rerun-failed");
        };
    }

    /** What a change review asks when the command names no focus (and an automatic review always). */
    static final String REVIEW = "Review what this change does on its preview: exercise the flows the diff touches like a user "
            + "would, and report anything broken or unexpected.";

    /** What a re-run of the failed tests asks, as statuses and {@code /qa status} show it. */
    static final String RERUN_FAILED = "Re-run the failed tests";

    /**
     * {@code /qa plan [<pln_…>]}: the plan given, else the repository's ({@code qatech.testPlan}, {@code QATECH_TEST_PLAN});
     * with none, one comment saying how to name one.
     */
    private Answer plan(String runId, Inbound.Comment c, Command.Plan p, RepoConfig.Loaded loaded, String request) {
        Optional<String> plan = p.plan().or(() -> loaded.settings().qatech().testPlan());
        if (plan.isEmpty()) {
            String word = loaded.settings().commands().word();
            return accepted(runId, start(runId, RunInput.INVALID, c.where(), ask(c, "", ""), "no test plan to run: name one (`" + word
                    + " plan pln_…`, from the plan's page in QA.tech), or set `qatech.testPlan` in " + c.where().platform().settingsPath()
                    + " (QATECH_TEST_PLAN for every repository)", loaded, request), "invalid");
        }
        return accepted(runId, start(new RunInput(runId, RunInput.RUN, c.where(), ask(c, "Run the test plan " + plan.get(),
                p.url().orElse("")), "", loaded.file(), deadline(loaded), loaded.settings().polling().seconds(), request, "", WorkKind.PLAN,
                plan.get())), "plan");
    }

    private Answer deployment(Inbound.Deployment d, CodeHost host, String request) {
        // The settings file (does this environment run?) and the commit's open PRs are read at the same time
        Future<List<PullRequest>> opening = beside(() -> host.openPullRequestsFor(d.repository(), d.sha()));
        RepoConfig.Loaded loaded = repoConfig.load(host, d.repository(), d.defaultBranch(), d.deliveryId());
        Optional<String> notHere = loaded.settings().autoRun().noRunBecause(d.environment());
        if (notHere.isPresent()) {
            opening.cancel(true);
            return Answer.ignored(IgnoredBecause.ENVIRONMENT, notHere.get());
        }
        List<PullRequest> all = join(opening);
        // Only a deployment of a PR's head commit tests it: a late success for an older commit would otherwise
        // replace the run of the head (and set a status on a commit nobody merges)
        List<PullRequest> moved = all.stream().filter(pr -> !pr.headSha().isEmpty() && !pr.headSha().equalsIgnoreCase(d.sha())).toList();
        List<PullRequest> open = all.stream().filter(pr -> !moved.contains(pr)).toList();
        if (open.isEmpty() && !moved.isEmpty()) {
            PullRequest pr = moved.get(0);
            Log.info(host.platform().wireName() + ".autorun_not_head", d.deliveryId(), null, "sha", d.sha(), "head", pr.headSha());
            return Answer.ignored(IgnoredBecause.NOT_HEAD, "deployment " + d.deploymentId() + " is of " + Strings.shortSha(d.sha()) + ", no longer the head of "
                    + (d.repository().gitlab() ? "!" : "#") + pr.number() + " (now " + Strings.shortSha(pr.headSha()) + "): only a deployment of the head commit starts a run");
        }
        List<PullRequest> forks = open.stream().filter(PullRequest::fork).toList();
        List<Long> numbers = open.stream().filter(pr -> !pr.fork() || loaded.settings().autoRun().forks()).map(PullRequest::number).toList();
        if (!forks.isEmpty() && !loaded.settings().autoRun().forks()) {
            Log.info(host.platform().wireName() + ".autorun_fork", d.deliveryId(), null, "forks", forks.size());
        }
        if (numbers.isEmpty() && !forks.isEmpty()) {
            return Answer.ignored(IgnoredBecause.FORK, "the " + d.repository().noun() + " of " + d.sha() + " comes from a fork; automatic runs for forks are off "
                    + "(autoRun.forks in the repository's settings file)");
        }
        if (numbers.isEmpty()) {
            Log.info(host.platform().wireName() + ".autorun_no_pr", d.deliveryId(), null, "sha", d.sha());
            return Answer.ignored(IgnoredBecause.NO_PULL_REQUEST, d.repository().gitlab() ? "no opened merge request contains " + d.sha()
                    : "no open pull request has " + d.sha());
        }
        return autoRuns(d, numbers, "", loaded, host, request);
    }

    /**
     * A draft marked ready: the automatic run its head's newest successful deployment (in an auto-run environment) would have
     * started, named {@code d<deployment>-<number>-ready}. Once per deployment: the run's claim of the PR's automatic run
     * lets it through only when that deployment's own run was skipped (or there was none).
     */
    private Answer ready(Inbound.Ready r, CodeHost host, String request) {
        Future<PullRequest> reading = beside(() -> host.pullRequest(r.where()));
        RepoConfig.Loaded loaded = repoConfig.load(host, r.where(), r.defaultBranch(), r.deliveryId());
        Settings.AutoRun auto = loaded.settings().autoRun();
        if (auto.environments().isEmpty()) {
            reading.cancel(true);
            return Answer.ignored(IgnoredBecause.ENVIRONMENT, "marked ready: automatic runs are disabled (AUTO_RUN_ENVIRONMENTS is empty)");
        }
        PullRequest pr = join(reading);
        if (pr.fork() && !auto.forks()) {
            return Answer.ignored(IgnoredBecause.FORK, "marked ready, but the " + r.where().noun() + " comes from a fork; automatic runs "
                    + "for forks are off (autoRun.forks in the repository's settings file)");
        }
        String sha = pr.headSha().isEmpty() ? r.sha() : pr.headSha();
        Optional<CodeHost.Deployed> deployed = host.deploymentOf(r.where(), sha, auto::runs);
        if (deployed.isEmpty()) {
            return Answer.ignored(IgnoredBecause.NOT_DEPLOYED, "marked ready: " + Strings.shortSha(sha) + " has no successful deployment in "
                    + "an auto-run environment (" + String.join(",", auto.environments()) + ") yet; its next one starts the automatic run");
        }
        CodeHost.Deployed d = deployed.get();
        Origin repository = new Origin(r.where().platform(), r.where().repo(), r.where().projectId(), 0, "", r.where().installationId());
        return autoRuns(new Inbound.Deployment(repository, d.id(), sha, d.environment(), d.url(), r.deliveryId(), r.defaultBranch()),
                List.of(r.where().number()), "-ready", loaded, host, request);
    }

    /** One automatic run per PR number of deployment {@code d}, each named {@code d<deployment>-<number><suffix>}. */
    private Answer autoRuns(Inbound.Deployment d, List<Long> numbers, String suffix, RepoConfig.Loaded loaded, CodeHost host, String request) {
        List<String> started = new ArrayList<>();
        for (long number : numbers) {
            Origin where = new Origin(d.repository().platform(), d.repository().repo(), d.repository().projectId(), number, "",
                    d.repository().installationId());
            String runId = runId(host.platform(), "d" + d.deploymentId() + "-" + number + suffix);
            Optional<String> plan = loaded.settings().autoRun().testPlan();
            boolean review = plan.isEmpty() && loaded.settings().autoRun().mode() == Settings.AutoRunMode.REVIEW;
            Ask ask = new Ask("the " + d.environment() + " deployment", plan.map(id -> "Run the test plan " + id)
                    .orElse(loaded.settings().autoRun().message()), d.url(), "",
                    d.deliveryId(), clock.millis(), d.sha(), d.environment().isEmpty() ? "deployment" : d.environment());
            if (start(new RunInput(runId, RunInput.AUTO, where, ask, "", loaded.file(), deadline(loaded), loaded.settings().polling().seconds(),
                    request, "", plan.isPresent() ? WorkKind.PLAN : review ? WorkKind.REVIEW : WorkKind.CHAT, plan.orElse("")))) {
                started.add(runId);
            } else {
                Log.info(host.platform().wireName() + ".autorun_duplicate", d.deliveryId(), null, "run", runId);
            }
        }
        if (started.isEmpty()) {
            return Answer.ignored(IgnoredBecause.DUPLICATE, "deployment " + d.deploymentId() + " was already tested"
                    + (suffix.isEmpty() ? "" : " since it was marked ready"));
        }
        Answer answer = Answer.of(202, "run", started.get(0)).with("command", RunInput.AUTO);
        if (started.size() > 1) {
            var runs = answer.body().putArray("runs");
            started.forEach(runs::add);
        }
        return answer;
    }

    /**
     * New commits on a PR: with {@code QA_CANCEL_ON_PUSH} (or {@code commands.cancelOnPush}) a run
     * cancels the PR's command runs on older commits; otherwise they go on, and their replies say the
     * PR has moved on.
     */
    private Answer push(Inbound.Push p, CodeHost host, String request) {
        RepoConfig.Loaded loaded = repoConfig.load(host, p.where(), p.defaultBranch(), p.deliveryId());
        if (!loaded.settings().commands().cancelOnPush()) {
            return Answer.ignored(IgnoredBecause.PUSH, "new commits noted: runs still going will say the " + p.where().noun() + " has moved on "
                    + "(QA_CANCEL_ON_PUSH would cancel them)");
        }
        String runId = runId(host.platform(), "p" + p.where().number() + "-" + p.sha());
        Ask ask = new Ask("new commits", "", "", "", p.deliveryId(), clock.millis(), p.sha(), "");
        return accepted(runId, start(runId, RunInput.PUSH, p.where(), ask, "", loaded, request), "push");
    }

    /** The Re-run button: the same instructions again on the PR's current head, as the person who clicked, if they may run commands. */
    private Answer rerun(Inbound.Rerun r, CodeHost host, String request) {
        RepoConfig.Loaded loaded = repoConfig.load(host, r.where(), r.defaultBranch(), r.deliveryId());
        Optional<String> untrusted = host.whyNotTrusted(r.where(), r.clicker(), loaded::settings);
        if (untrusted.isPresent()) {
            Log.info(host.platform().wireName() + ".untrusted", r.deliveryId(), null, "rerun", r.recall());
            return Answer.ignored(IgnoredBecause.UNTRUSTED, untrusted.get());
        }
        String runId = runId(host.platform(), "r" + r.checkRunId() + "-" + (r.deliveryId().isEmpty() ? clock.millis() : r.deliveryId()));
        Ask ask = new Ask(r.clicker().login(), "", "", "", r.deliveryId(), clock.millis(), "", "");
        if (r.failedOnly()) {
            // the clicked check run's test plan run, re-run for its failed tests: a follow-up of that run
            Ask failed = new Ask(r.clicker().login(), RERUN_FAILED, "", "", r.deliveryId(), clock.millis(), "", "");
            return accepted(runId, start(new RunInput(runId, RunInput.FOLLOWUP, r.where(), failed, "", loaded.file(), deadline(loaded),
                    loaded.settings().polling().seconds(), request, r.recall(), WorkKind.PLAN, "")), "rerun-failed");
        }
        return accepted(runId, start(new RunInput(runId, RunInput.RERUN, r.where(), ask, "", loaded.file(), deadline(loaded),
                loaded.settings().polling().seconds(), request, r.recall())), RunInput.RERUN);
    }

    /**
     * A merge queue's (or merge train's) commit waits for the bridge's check: one short run reports the PR's
     * result there ({@code QA_MERGE_QUEUE}: mirror or pass), named after the group or pipeline, so a
     * redelivery reports once. No agent runs. With the mode {@code off} nothing starts.
     */
    private Answer mergeQueue(Inbound.MergeQueue q, CodeHost host, String request) {
        RepoConfig.Loaded loaded = repoConfig.load(host, q.where(), q.defaultBranch(), q.deliveryId());
        String queue = q.where().gitlab() ? "merge train" : "merge queue";
        if (loaded.settings().mergeQueue() == MergeQueue.Mode.OFF) {
            return Answer.ignored(IgnoredBecause.MERGE_QUEUE, "the " + queue + " gets no status from qa-bridge (QA_MERGE_QUEUE or "
                    + "mergeQueue.mode is off): do not require " + loaded.settings().status().context() + " with a " + queue);
        }
        String runId = runId(host.platform(), q.runKey());
        Ask ask = new Ask("the " + queue, "", "", "", q.deliveryId(), clock.millis(), q.sha(), "");
        return accepted(runId, start(runId, RunInput.MERGE_QUEUE, q.where(), ask, q.problem(), loaded, request), RunInput.MERGE_QUEUE);
    }

    private Ask ask(Inbound.Comment c, String instructions, String url) {
        return new Ask(c.author().login(), instructions, url, c.commentId(), c.deliveryId(), clock.millis(), "", "");
    }

    private boolean start(String runId, String command, Origin where, Ask ask, String problem, RepoConfig.Loaded loaded, String request) {
        return start(new RunInput(runId, command, where, ask, problem, loaded.file(), deadline(loaded), loaded.settings().polling().seconds(),
                request, ""));
    }

    private boolean start(RunInput input) {
        boolean started = workflow.start(input.runId(), RunStateJson.write(input));
        Log.info(started ? "run.started" : "run.duplicate", input.ask().deliveryId(), null, "run", input.runId(), "command", input.command(),
                "work", input.work().wireName());
        return started;
    }

    /** A run's deadline: its timeout from now. */
    private long deadline(RepoConfig.Loaded loaded) {
        return clock.instant().plus(loaded.settings().polling().timeout()).getEpochSecond();
    }

    private static Answer accepted(String runId, boolean started, String command) {
        return started ? Answer.of(202, "run", runId).with("command", command)
                : Answer.ignored(IgnoredBecause.DUPLICATE, "this was already handled (run " + runId + ")");
    }

    /** A run's id, which is its execution's name: at most 80 of [A-Za-z0-9_-], built from numeric ids only (no folding). */
    /** Outside calls that do not wait for each other run on virtual threads; the webhook's 10 s budget bounds them. */
    private static final ExecutorService BESIDE = Executors.newVirtualThreadPerTaskExecutor();

    private static <T> Future<T> beside(Callable<T> call) {
        return BESIDE.submit(call);
    }

    /** The call's result, or its own exception (an {@code ApiException} stays one, for the webhook's answer). */
    private static <T> T join(Future<T> call) {
        try {
            return call.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading from " + e.getMessage(), e);
        }
    }

    static String runId(Platform platform, String key) {
        return platform.wireName() + "-" + key;
    }
}
