package dev.qabridge.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A finished test-plan run in words: the verdict QA.tech computed ({@link #verdict}), the status's one line
 * ("3 of 42 tests failed"), the reply on the PR (a table of tests, failures first, each failure's evidence and
 * reasoning, the passed tests folded) and the check run's summary. Everything QA.tech wrote goes through
 * {@link Untrusted} and {@link Redaction}, and the reply fits the platform's comment limit.
 */
public final class PlanReport {
    /** At most this many failed tests get their evidence looked up and shown in full; the rest are listed. */
    public static final int DETAILED_FAILURES = 20;

    private PlanReport() {}

    /**
     * What the run means for the merge: {@code outcome} and {@code verdict} as the final status reads them (an agent miss
     * reported as an error is {@code ERROR} with no verdict), whether every failure was the agent's, and the one line.
     */
    public record Reading(Outcome outcome, Verdict.Kind verdict, boolean agentMiss, String line) {}

    /** The verdict: PASSED passes; FAILED fails unless every failed test was an agent or platform miss; the rest has none. */
    public static Reading verdict(TestRun run, Map<String, TestRun.CaseDetail> details, Settings.AgentMiss onAgentMiss) {
        List<TestRun.Case> failed = run.tests().stream().filter(TestRun.Case::failed).toList();
        int total = run.tests().size();
        String result = run.result().orElse("");
        if (!run.status().equals("COMPLETED")) {
            String what = run.status().equals("CANCELLED") ? "The test plan run was cancelled in QA.tech" : "The test plan run ended in an error";
            return new Reading(Outcome.COMPLETED, Verdict.Kind.NONE, false, what);
        }
        if (result.equals("PASSED")) {
            return new Reading(Outcome.COMPLETED, Verdict.Kind.PASS, false, count(total) + " passed");
        }
        if (result.equals("FAILED")) {
            boolean allMisses = !failed.isEmpty() && failed.stream()
                    .allMatch(t -> Optional.ofNullable(details.get(t.shortId())).filter(TestRun.CaseDetail::agentMiss).isPresent());
            String line = String.format(Locale.ROOT, "%,d", failed.size()) + " of " + count(total) + " failed";
            if (allMisses) {
                String miss = "the agent could not execute " + (failed.size() == 1 ? "the failed test" : "the " + failed.size() + " failed tests");
                return onAgentMiss == Settings.AgentMiss.FAILURE
                        ? new Reading(Outcome.COMPLETED, Verdict.Kind.FAIL, true, line + ": " + miss)
                        : new Reading(Outcome.ERROR, Verdict.Kind.NONE, true, line + ": " + miss);
            }
            return new Reading(Outcome.COMPLETED, Verdict.Kind.FAIL, false, line);
        }
        return new Reading(Outcome.COMPLETED, Verdict.Kind.NONE, false, result.equals("SKIPPED") ? "The test plan's tests were skipped"
                : "QA.tech gave the run no result");
    }

    private static String count(int n) {
        return n == 1 ? "1 test" : String.format(Locale.ROOT, "%,d tests", n);
    }

    /** The reply's heading for a reading. */
    public static String heading(Reading r) {
        if (r.agentMiss()) {
            return "⚠️ The agent could not execute the failed tests";
        }
        return switch (r.verdict()) {
            case PASS -> "✅ Test plan passed";
            case FAIL -> "❌ Test plan failed";
            case NONE -> "⚠️ Test plan run without a verdict";
        };
    }

    /**
     * The reply: heading, the request, what was tested, the one line, the tests (failures first, with their evidence and
     * reasoning; passed tests folded), the run's dashboard link; at most {@code limit} characters (rows left out are counted).
     */
    public static String reply(String runId, Reading reading, TestRun run, Map<String, TestRun.CaseDetail> details, String runUrl,
                               Texts.Facts facts, int limit) {
        Platform p = facts.origin().platform();
        StringBuilder top = new StringBuilder(Texts.head(runId, "reply"))
                .append("### ").append(heading(reading)).append("\n\n")
                .append(Texts.quote(facts.ask().instructions(), p)).append("\n\n");
        if (!facts.sha().isEmpty()) {
            top.append("Tested `").append(Strings.shortSha(facts.sha())).append("`")
                    .append(facts.previewUrl().filter(u -> !u.isBlank()).map(u -> " on " + Texts.host(u)).orElse(""))
                    .append(" · took ").append(Texts.duration(facts.took())).append("\n\n");
        }
        top.append("**").append(reading.line()).append("**");
        if (reading.agentMiss()) {
            top.append(" (QA.tech reports `AGENT_…`/`PLATFORM_…` errors: the tests did not run to the end; this says nothing about the product)");
        }
        top.append("\n\n");
        StringBuilder footer = new StringBuilder("\n---\n");
        footer.append("- 🔗 ").append(Texts.link("Test plan run in QA.tech", runUrl)).append("\n");
        facts.previewUrl().filter(u -> !u.isBlank()).ifPresent(u -> footer.append("- 🌐 ").append(Texts.link("Preview", u)).append("\n"));
        footer.append("- 🙋 Asked by ").append(Texts.who(facts.ask().requester())).append("\n");
        if (reading.verdict() != Verdict.Kind.PASS && run.tests().stream().anyMatch(TestRun.Case::failed)) {
            footer.append("- 🔁 Re-run the failed tests: `").append(facts.command()).append(" rerun-failed`\n");
        }

        List<TestRun.Case> failed = run.tests().stream().filter(TestRun.Case::failed).toList();
        List<TestRun.Case> passed = run.tests().stream().filter(t -> t.result().equals("PASSED")).toList();
        List<TestRun.Case> others = run.tests().stream().filter(t -> !t.failed() && !t.result().equals("PASSED"))
                .sorted(Comparator.comparing(TestRun.Case::name)).toList();
        // what fits, in this order: the failed (and skipped) tests' rows, their evidence, then the passed tests, folded
        int room = limit - top.length() - footer.length() - 300;
        StringBuilder body = new StringBuilder();
        List<TestRun.Case> listed = new ArrayList<>(failed);
        listed.addAll(others);
        if (!listed.isEmpty()) {
            body.append(table(listed, p, room));
        }
        int shownEvidence = 0;
        for (int i = 0; i < failed.size() && i < DETAILED_FAILURES; i++) {
            String section = Redaction.apply(evidence(failed.get(i), details.get(failed.get(i).shortId()), p)) + "\n";
            if (body.length() + section.length() > room) {
                break;
            }
            body.append(section);
            shownEvidence++;
        }
        if (shownEvidence < Math.min(failed.size(), DETAILED_FAILURES)) {
            body.append("_… the evidence of ").append(Math.min(failed.size(), DETAILED_FAILURES) - shownEvidence)
                    .append(" more failed tests is not shown (the comment limit): see the run in QA.tech._\n\n");
        }
        if (!passed.isEmpty()) {
            String open = "<details><summary>" + count(passed.size()) + " passed</summary>\n\n";
            String close = "\n</details>\n";
            int left = room - body.length() - open.length() - close.length();
            if (left > 200) {
                body.append(open).append(table(passed, p, left)).append(close);
            } else {
                body.append("_… ").append(count(passed.size())).append(" passed, not listed (the comment limit): see the run in QA.tech._\n");
            }
        }
        return Redaction.apply(top + body.toString() + footer);
    }

    /** The check run's summary: the one line and the failed tests, with links to their evidence. */
    public static String checkSummary(Reading reading, TestRun run, Map<String, TestRun.CaseDetail> details, int limitBytes) {
        StringBuilder b = new StringBuilder(reading.line()).append("\n\n");
        List<TestRun.Case> failed = run.tests().stream().filter(TestRun.Case::failed).toList();
        for (TestRun.Case t : failed) {
            TestRun.CaseDetail d = details.get(t.shortId());
            String line = "- ❌ " + cell(t.name(), Platform.GITHUB) + ": " + cell(t.resultTitle(), Platform.GITHUB)
                    + (d == null ? "" : evidenceLinks(d)) + "\n";
            if (Strings.utf8Length(b.toString()) + Strings.utf8Length(line) > limitBytes - 200) {
                b.append("- … and more: see the run in QA.tech\n");
                break;
            }
            b.append(line);
        }
        return Redaction.apply(b.toString());
    }

    private static String row(TestRun.Case t, Platform p) {
        String icon = switch (t.result()) {
            case "PASSED" -> "✅";
            case "FAILED" -> "❌";
            default -> "⏭️";
        };
        return "| " + icon + " " + cell(t.name(), p) + " | " + cell(t.result().isEmpty() ? "—" : t.result().toLowerCase(Locale.ROOT), p)
                + " | " + cell(t.resultTitle(), p) + " |";
    }

    /** A table of {@code tests} within {@code room} characters; the rows that do not fit are counted in a last row. */
    private static String table(List<TestRun.Case> tests, Platform p, int room) {
        StringBuilder b = new StringBuilder("| test | result | QA.tech says |\n|---|---|---|\n");
        int shown = 0;
        for (TestRun.Case t : tests) {
            String row = Redaction.apply(row(t, p)) + "\n";
            if (b.length() + row.length() > room - 120) {
                break;
            }
            b.append(row);
            shown++;
        }
        if (shown < tests.size()) {
            b.append("| … | ").append(String.format(Locale.ROOT, "%,d", tests.size() - shown)).append(" more | not shown (the comment limit): see the run in QA.tech |\n");
        }
        return b.toString();
    }

    /** One line of untrusted text for a table cell: sanitized, pipes escaped, at most 200 characters. */
    private static String cell(String text, Platform p) {
        String one = Strings.clip(Redaction.apply(text == null ? "" : text).replaceAll("\\s+", " ").strip(), 200);
        return Untrusted.markdown(one, p).replace("|", "\\|");
    }

    private static String evidence(TestRun.Case t, TestRun.CaseDetail d, Platform p) {
        StringBuilder b = new StringBuilder("#### ❌ ").append(cell(t.name(), p)).append("\n\n");
        if (d != null) {
            b.append(d.errorCode().map(c -> "Error code `" + c.replaceAll("[^A-Z0-9_]", "") + "`" + (d.agentMiss() ? " (the agent could not execute it)" : "")
                    + " · ").orElse(""));
            b.append(evidenceLinks(d).replaceFirst("^ · ", "")).append("\n\n");
        }
        String thought = Redaction.apply(t.evaluationThought() == null ? "" : t.evaluationThought()).strip();
        if (!thought.isEmpty()) {
            b.append("<details><summary>QA.tech's reasoning</summary>\n\n").append(Untrusted.quoteBlock(Strings.clip(thought, 4_000), p))
                    .append("\n\n</details>\n");
        }
        return b.toString();
    }

    private static String evidenceLinks(TestRun.CaseDetail d) {
        StringBuilder b = new StringBuilder();
        if (CommandParser.isHttpUrl(d.screenshotUrl())) {
            b.append(" · ").append(Texts.link("screenshot", d.screenshotUrl()));
        }
        if (CommandParser.isHttpUrl(d.recordingUrl())) {
            b.append(" · ").append(Texts.link("recording", d.recordingUrl()));
        }
        if (CommandParser.isHttpUrl(d.url())) {
            b.append(" · ").append(Texts.link("test in QA.tech", d.url()));
        }
        if (d.durationMs() > 0) {
            b.append(" · ").append(Texts.duration(java.time.Duration.ofMillis(d.durationMs())));
        }
        return b.toString();
    }
}
