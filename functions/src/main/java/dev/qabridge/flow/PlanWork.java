package dev.qabridge.flow;

import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Log;
import dev.qabridge.core.PlanReport;
import dev.qabridge.core.Platform;
import dev.qabridge.core.RunState;
import dev.qabridge.core.Settings;
import dev.qabridge.core.TestRun;
import dev.qabridge.core.WorkKind;
import dev.qabridge.qatech.QaTechClient;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A QA.tech test plan run: {@code POST /v1/run} on the preview (the failed tests of an earlier run again with
 * {@code POST /v1/run/{shortId}}), looked at with {@code GET /v1/run/{shortId}}, and a verdict QA.tech computed, with
 * each failed test's evidence ({@code GET /v1/run-test-case/{shortId}}).
 */
final class PlanWork implements Work {

    @Override
    public RunState.Work start(QaTechClient qa, CodeHost host, RunState run, Settings settings, String agentUrl, Instant now) {
        TestRun.Trigger trigger = new TestRun.Trigger(run.origin().platform() == Platform.GITHUB,
                run.ask().automatic() ? "" : run.ask().requester(), run.target().branch(), run.testedSha(), run.origin().repo());
        TestRun.Started started = qa.startRun(run.input().plan(), settings.qatech().applicationIdOrThrow(), agentUrl,
                settings.qatech().projectId(), trigger);
        Log.info("qatech.plan_started", run.ask().deliveryId(), started.shortId(), "run", run.runId(), "plan", run.input().plan(),
                "tests", started.testCount());
        return new RunState.Work(WorkKind.PLAN, started.shortId(), started.url(), now.toString(), "");
    }

    @Override
    public RunState.Work proceed(QaTechClient qa, RunState run, RunState.FollowUp earlier, Instant now) {
        TestRun.Started started = qa.rerunFailed(earlier.chatId());
        Log.info("qatech.plan_rerun", run.ask().deliveryId(), started.shortId(), "run", run.runId(), "of", earlier.chatId(),
                "tests", started.testCount());
        return new RunState.Work(WorkKind.PLAN, started.shortId(), started.url(), now.toString(), "");
    }

    @Override
    public Look look(QaTechClient qa, RunState.Work work) {
        TestRun run = qa.getRun(work.id());
        return new Look(run.finished(), run.status(), Optional.empty());
    }

    @Override
    public Said finish(Finish f) {
        Ended ended = ended(f.qa(), f.run(), f.settings());
        String body = PlanReport.reply(f.run().runId(), ended.reading(), ended.run(), ended.details(), f.run().work().url(), f.facts(), f.limit());
        return new Said(ended.reading().outcome(), ended.reading().verdict(), body, PlanReport.heading(ended.reading()),
                ended.reading().line(), ended.run().tests().stream().anyMatch(TestRun.Case::failed));
    }

    @Override
    public String checkText(QaTechClient qa, RunState run, Settings settings) {
        try {
            Ended ended = ended(qa, run, settings);
            return PlanReport.checkSummary(ended.reading(), ended.run(), ended.details(), 60_000);
        } catch (RuntimeException e) {
            Log.warn("run.plan_unavailable", run.ask().deliveryId(), run.work().idIfAny().orElse(null), "error", e.getMessage());
            return "";
        }
    }

    private record Ended(TestRun run, Map<String, TestRun.CaseDetail> details, PlanReport.Reading reading) {}

    /** The run as QA.tech has it now, the evidence of its first failed tests, and what it means. */
    private static Ended ended(QaTechClient qa, RunState in, Settings settings) {
        TestRun run = qa.getRun(in.work().id());
        Map<String, TestRun.CaseDetail> details = new LinkedHashMap<>();
        run.tests().stream().filter(TestRun.Case::failed).limit(PlanReport.DETAILED_FAILURES)
                .forEach(t -> details.put(t.shortId(), qa.getRunTestCase(t.shortId())));
        return new Ended(run, details, PlanReport.verdict(run, details, settings.status().onAgentMiss()));
    }
}
