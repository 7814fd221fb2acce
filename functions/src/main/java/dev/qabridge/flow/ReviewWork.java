package dev.qabridge.flow;

import dev.qabridge.core.CodeHost;
import dev.qabridge.core.DiffCut;
import dev.qabridge.core.Log;
import dev.qabridge.core.RunState;
import dev.qabridge.core.Settings;
import dev.qabridge.core.Verdict;
import dev.qabridge.core.WorkKind;
import dev.qabridge.qatech.QaTechClient;

import java.time.Instant;

/**
 * A change review: {@code POST /v1/chat/change-review} with the PR's title, description and unified diff (cut at
 * {@code QA_REVIEW_MAX_DIFF_KB} at a file boundary; mode {@code rawChanges}) or its URL (mode {@code pr}). QA.tech answers
 * with a conversation, so it is followed, answered and continued exactly as one ({@link Chat}). A PR whose author is not
 * trusted gets no review of its own words: the run falls back to a conversation without them.
 */
final class ReviewWork extends Work.Chat {

    @Override
    public RunState.Work start(QaTechClient qa, CodeHost host, RunState run, Settings settings, String agentUrl, Instant now) {
        if (run.target().whyContextLeftOut().isPresent()) {
            Log.info("review.untrusted_fallback", run.ask().deliveryId(), null, "run", run.runId());
            return super.start(qa, host, run, settings, agentUrl, now);
        }
        QaTechClient.Changes changes;
        String note = "";
        if (settings.review().mode() == Settings.ReviewMode.PR) {
            changes = new QaTechClient.PrChanges(run.target().webUrl(), run.origin().platform().wireName());
        } else {
            DiffCut.Cut cut = DiffCut.cut(host.diff(run.origin()), settings.review().maxDiffKb() * 1024);
            note = cut.note();
            changes = new QaTechClient.RawChanges(StartSteps.asData(run.origin(), run.target()), cut.diff());
            Log.info("review.diff", run.ask().deliveryId(), null, "run", run.runId(), "bytes", cut.diff().length(), "leftOut",
                    cut.leftOut().size(), "binary", cut.binary().size());
        }
        String context = run.ask().instructions() + (note.isEmpty() ? "" : "\n\n" + note) + "\n\n" + Verdict.REQUEST;
        QaTechClient.Chat chat = qa.changeReview(changes, context, settings.qatech().applicationIdOrThrow(), agentUrl,
                run.origin().repo() + run.origin().reference() + " preview", settings.qatech().projectId());
        return new RunState.Work(WorkKind.REVIEW, chat.shortId(), chat.url(), now.toString(), "");
    }
}
