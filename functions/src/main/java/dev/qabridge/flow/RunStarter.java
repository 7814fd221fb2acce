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
import dev.qabridge.core.Workflow;
import dev.qabridge.qatech.QaTechClient;
import dev.qabridge.qatech.QaTechErrors;

import java.time.Clock;

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

    public RunStarter(Settings settings, QaTechClient qatech, RunStore store, Workflow workflow, Clock clock) {
        this.settings = settings;
        this.qatech = qatech;
        this.store = store;
        this.workflow = workflow;
        this.clock = clock;
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

    public Answer start(Request q) {
        QaTechClient.Chat chat;
        try {
            chat = qatech.start(message(q), settings.applicationIdOrThrow(), q.preview().url(),
                    q.pr().repo() + reference(q) + " preview", settings.qatechProjectId());
        } catch (ApiException e) {
            String why = QaTechErrors.explain(e);
            Log.warn("qatech.refused", q.deliveryId(), null, "status", e.status());
            q.thread().post(Texts.notStarted(q.instructions(), q.preview(), q.requester(), why));
            return Answer.of(200, "refused", why);
        }
        Log.info("qatech.started", q.deliveryId(), chat.shortId(), "preview", q.preview().url());
        String statusId = q.thread().post(Texts.started(q.instructions(), q.preview(), chat.url(), q.requester()));
        String runId = runId(q.platform(), q.deliveryId());
        long now = clock.instant().getEpochSecond();
        store.saveRun(new RunRecord(runId, q.platform(), q.pr().repo(), q.pr().number(), q.commandCommentId(), statusId,
                chat.shortId(), chat.url(), q.preview().url(), q.requester(), q.instructions(), q.deliveryId(), now, false,
                q.projectId(), q.discussionId()));
        long deadline = clock.instant().plus(settings.timeout()).getEpochSecond();
        try {
            workflow.start(runId, chat.shortId(), deadline, settings.pollSeconds());
        } catch (RuntimeException e) {
            Log.warn("workflow.start_failed", q.deliveryId(), chat.shortId(), "error", e.getClass().getSimpleName(), "message", e.getMessage());
            q.thread().edit(statusId, Texts.notStarted(q.instructions(), q.preview(), q.requester(),
                    "The bridge started the conversation (" + chat.url() + ") but could not start waiting for it: "
                            + e.getClass().getSimpleName() + ". Follow the conversation link for the agent's answer."));
            return Answer.of(500, "error", "could not start the wait loop").with("conversation", chat.shortId());
        }
        Log.info("workflow.started", q.deliveryId(), chat.shortId(), "run", runId);
        return Answer.of(202, "conversation", chat.shortId()).with("run", runId).with("url", chat.url());
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
                + ". Its preview deployment is at " + q.preview().url() + ".";
    }

    /** Execution names allow 80 characters of [A-Za-z0-9-_]. */
    static String runId(String platform, String deliveryId) {
        String id = platform + "-" + deliveryId.replaceAll("[^A-Za-z0-9_-]", "-");
        return id.length() <= 80 ? id : id.substring(0, 80);
    }
}
