package dev.qabridge.flow;

import dev.qabridge.core.ApiException;
import dev.qabridge.core.Log;
import dev.qabridge.core.Preview;
import dev.qabridge.core.PullRequest;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.RunRecord;
import dev.qabridge.core.RunStore;
import dev.qabridge.core.Settings;
import dev.qabridge.core.Texts;
import dev.qabridge.core.VercelBypass;
import dev.qabridge.core.Workflow;
import dev.qabridge.qatech.QaTechClient;
import dev.qabridge.qatech.QaTechErrors;


import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Starts one run, the same way for GitHub and GitLab: the QA.tech conversation, the status comment,
 * the run record, then the wait-loop. A refusal from QA.tech ends in a status comment that says why.
 */
public final class RunStarter {
    private final Settings settings;
    private final QaTechClient qatech;
    private final RunStore store;
    private final Workflow workflow;
    private final Clock clock;
    private final Optional<String> vercelBypassSecret;

    /** Longest PR/MR description passed to the agent as context. */
    static final int DESCRIPTION_LIMIT = 4_000;

    public RunStarter(Settings settings, QaTechClient qatech, RunStore store, Workflow workflow, Clock clock) {
        this(settings, qatech, store, workflow, clock, Optional.empty());
    }

    public RunStarter(Settings settings, QaTechClient qatech, RunStore store, Workflow workflow, Clock clock,
                      Optional<String> vercelBypassSecret) {
        this.settings = settings;
        this.qatech = qatech;
        this.store = store;
        this.workflow = workflow;
        this.clock = clock;
        this.vercelBypassSecret = vercelBypassSecret;
    }

    /**
     * Everything a run needs to know about where it was asked for. {@code projectId} and
     * {@code discussionId} are kept on the run record so the reply finds the same thread again
     * (see {@link RunRecord}); empty where the platform needs neither.
     */
    public record Request(String platform, String deliveryId, PullRequest pr, ReviewThread thread, String commandCommentId,
                          String requester, String instructions, Preview preview, String projectId, String discussionId) {

        public Request(String platform, String deliveryId, PullRequest pr, ReviewThread thread, String commandCommentId,
                       String requester, String instructions, Preview preview) {
            this(platform, deliveryId, pr, thread, commandCommentId, requester, instructions, preview, "", "");
        }
    }

    /** A command's run with the repository's effective settings (application, project, Vercel). */
    public Answer start(Request q, Settings effective) {
        return start(q, effective, runId(q.platform(), q.deliveryId())).answer();
    }

    /**
     * An automatic run for one deployment of one PR/MR: {@code runId} is unique per (deployment, PR).
     * It supersedes the PR's previous automatic run if that one has not replied yet: its execution
     * is stopped and its status comment says so, linking this run's conversation. Command runs are
     * never superseded.
     */
    /**
     * One automatic run for each PR/MR of a deployment, each at most once per deployment (a claim in the
     * run table, given back when that PR's start fails). {@code request} builds a PR's request; it is
     * only called for PRs not yet tested with this deployment.
     */
    public Answer startAutoRuns(String platform, String delivery, String repoKey, String deploymentId, List<Long> numbers,
                                Settings effective, LongFunction<Request> request) {
        List<Answer> answers = new ArrayList<>();
        for (long number : numbers) {
            store.withClaim("autorun#" + platform + "#" + repoKey + "#" + deploymentId + "#" + number,
                    () -> answers.add(startAuto(request.apply(number), effective, autoRunId(platform, deploymentId, number))))
                    .orElseGet(() -> {
                        Log.info(platform + ".autorun_duplicate", delivery, null, "deployment", deploymentId, "number", number);
                        return false;
                    });
        }
        return Answer.combine(answers, "deployment " + deploymentId + " was already tested");
    }

    public Answer startAuto(Request q, Settings effective, String runId) {
        Started started = start(q, effective, runId);
        if (started.chatUrl().isEmpty()) {
            return started.answer();
        }
        String pointer = "autopr#" + q.platform() + "#" + q.pr().repo() + "#" + q.pr().number();
        Optional<String> previous = store.swapPointer(pointer, runId).filter(old -> !old.equals(runId));
        previous.ifPresent(old -> supersede(q, old, started));
        return started.answer();
    }

    private void supersede(Request q, String oldRunId, Started now) {
        Optional<RunRecord> old = store.findRun(oldRunId);
        if (old.isEmpty() || !store.claimFinalWord(oldRunId, "superseded")) {
            Log.info("autorun.previous_done", q.deliveryId(), now.chatId(), "previous", oldRunId);
            return;
        }
        try {
            workflow.stop(oldRunId, "superseded by " + now.runId());
        } catch (RuntimeException e) {
            Log.warn("workflow.stop_failed", q.deliveryId(), old.get().chatId(), "run", oldRunId, "error", e.getClass().getSimpleName());
        }
        q.thread().edit(old.get().statusCommentId(), Texts.superseded(old.get(), now.chatUrl()));
        store.markReplied(oldRunId);
        Log.info("autorun.superseded", q.deliveryId(), old.get().chatId(), "run", oldRunId, "by", now.runId());
    }

    private record Started(Answer answer, String runId, String chatId, String chatUrl) {}

    private Started start(Request q, Settings effective, String runId) {
        QaTechClient.Chat chat;
        try {
            String agentUrl = VercelBypass.forAgent(q.preview().url(), vercelBypassSecret, effective.previewOnVercel());
            chat = qatech.start(message(q), effective.applicationIdOrThrow(), agentUrl,
                    q.pr().repo() + reference(q) + " preview", effective.qatechProjectId());
        } catch (ApiException e) {
            String why = QaTechErrors.explain(e);
            Log.warn("qatech.refused", q.deliveryId(), null, "status", e.status());
            q.thread().post(Texts.notStarted(q.instructions(), q.preview(), q.requester(), why));
            return new Started(Answer.of(200, "refused", why), runId, "", "");
        }
        Log.info("qatech.started", q.deliveryId(), chat.shortId(), "preview", q.preview().url());
        String statusId = q.thread().post(Texts.started(q.instructions(), q.preview(), chat.url(), q.requester()));
        long now = clock.instant().getEpochSecond();
        store.saveRun(new RunRecord(runId, q.platform(), q.pr().repo(), q.pr().number(), q.commandCommentId(), statusId,
                chat.shortId(), chat.url(), q.preview().url(), q.requester(), q.instructions(), q.deliveryId(), now, false,
                q.projectId(), q.discussionId()));
        long deadline = clock.instant().plus(settings.timeout()).getEpochSecond();
        try {
            workflow.start(runId, q.deliveryId(), chat.shortId(), deadline, settings.pollSeconds());
        } catch (RuntimeException e) {
            Log.warn("workflow.start_failed", q.deliveryId(), chat.shortId(), "error", e.getClass().getSimpleName(), "message", e.getMessage());
            q.thread().edit(statusId, Texts.notStarted(q.instructions(), q.preview(), q.requester(),
                    "The bridge started the conversation (" + chat.url() + ") but could not start waiting for it: "
                            + e.getClass().getSimpleName() + ". Follow the conversation link for the agent's answer."));
            return new Started(Answer.of(500, "error", "could not start the wait loop").with("conversation", chat.shortId()),
                    runId, chat.shortId(), "");
        }
        Log.info("workflow.started", q.deliveryId(), chat.shortId(), "run", runId);
        return new Started(Answer.of(202, "conversation", chat.shortId()).with("run", runId).with("url", chat.url()),
                runId, chat.shortId(), chat.url());
    }

    /** How people write the PR/MR's number: {@code #7} on GitHub, {@code !7} on GitLab. */
    private static String reference(Request q) {
        return (q.platform().equals("gitlab") ? "!" : "#") + q.pr().number();
    }

    /** The instructions plus what the agent should know about the change under test. */
    static String message(Request q) {
        PullRequest pr = q.pr();
        String kind = q.platform().equals("gitlab") ? "merge request !" : "pull request #";
        return q.instructions() + "\n\n---\nContext: " + kind + pr.number() + " “" + pr.title() + "” in " + pr.repo()
                + " (head " + pr.headSha() + ", branch " + pr.branch() + "), " + pr.webUrl()
                + ". Its preview deployment is at " + q.preview().url() + "."
                + description(pr.description());
    }

    private static String description(String text) {
        String d = text == null ? "" : text.strip();
        if (d.isEmpty()) {
            return "";
        }
        if (d.length() > DESCRIPTION_LIMIT) {
            int keep = Character.isHighSurrogate(d.charAt(DESCRIPTION_LIMIT - 1)) ? DESCRIPTION_LIMIT - 1 : DESCRIPTION_LIMIT;
            d = d.substring(0, keep) + " …(shortened)";
        }
        return "\n\nThe author's description of the change:\n" + d;
    }

    /** An automatic run's id: one per deployment and PR/MR, within an execution name's 80 characters of [A-Za-z0-9_-]. */
    static String autoRunId(String platform, String deploymentId, long number) {
        return runId(platform + "-auto", deploymentId + "-" + number);
    }

    /** Execution names allow 80 characters of [A-Za-z0-9-_]. */
    static String runId(String platform, String deliveryId) {
        String id = platform + "-" + deliveryId.replaceAll("[^A-Za-z0-9_-]", "-");
        return id.length() <= 80 ? id : id.substring(0, 80);
    }
}
