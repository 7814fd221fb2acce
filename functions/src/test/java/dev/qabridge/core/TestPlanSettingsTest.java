package dev.qabridge.core;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 20's words: {@code /qa plan [pln_…]}, {@code /qa rerun-failed}, and the settings that name plans and agent misses. */
class TestPlanSettingsTest {
    private final CommandParser parser = new CommandParser("/qa");

    @Test
    void planTakesAnOptionalPlanIdAndAUrl() {
        assertThat(parser.parse("/qa plan")).contains(new Command.Plan(Optional.empty(), Optional.empty()));
        assertThat(parser.parse("/qa plan pln_checkout")).contains(new Command.Plan(Optional.of("pln_checkout"), Optional.empty()));
        assertThat(parser.parse("/qa PLAN pln-shop_x1")).contains(new Command.Plan(Optional.of("pln-shop_x1"), Optional.empty()));
        assertThat(parser.parse("/qa plan pln_checkout --url https://pr-7.example.com."))
                .contains(new Command.Plan(Optional.of("pln_checkout"), Optional.of("https://pr-7.example.com")));
        assertThat(parser.parse("/qa rerun-failed")).contains(new Command.RerunFailed());
        // not the plan word: instructions as before
        assertThat(parser.parse("/qa planning page works")).get().isInstanceOf(Command.Run.class);
    }

    @Test
    void aBadPlanIdTwoIdsOrABadUrlIsAnsweredWithTheProblem() {
        assertThat(parser.parse("/qa plan checkout")).get().isInstanceOfSatisfying(Command.Invalid.class,
                i -> assertThat(i.problem()).contains("`checkout` is not a QA.tech test plan id", "pln_… or pln-slug_…"));
        assertThat(parser.parse("/qa plan pln_ pln_x")).get().isInstanceOfSatisfying(Command.Invalid.class,
                i -> assertThat(i.problem()).contains("takes one test plan id", "got 2 words"));
        assertThat(parser.parse("/qa plan pln_x --url http://127.0.0.1:8080")).get().isInstanceOfSatisfying(Command.Invalid.class,
                i -> assertThat(i.problem()).contains("does not point at the public internet"));
        assertThat(parser.parse("/qa plan pln_x --url https://user:pw@pr.example.com")).get().isInstanceOfSatisfying(Command.Invalid.class,
                i -> assertThat(i.problem()).contains("user name or password"));
    }

    @Test
    void theEnvironmentNamesPlansAndWhatAnAgentMissReports() {
        Settings defaults = Settings.from(new Env(Map.of()));
        assertThat(defaults.qatech().testPlan()).isEmpty();
        assertThat(defaults.autoRun().testPlan()).isEmpty();
        assertThat(defaults.status().onAgentMiss()).isEqualTo(Settings.AgentMiss.ERROR);

        Settings set = Settings.from(new Env(Map.of("QATECH_TEST_PLAN", "pln_all", "AUTO_RUN_TEST_PLAN", "pln-smoke_1",
                "QA_STATUS_ON_AGENT_MISS", "failure")));
        assertThat(set.qatech().testPlan()).contains("pln_all");
        assertThat(set.autoRun().testPlan()).contains("pln-smoke_1");
        assertThat(set.status().onAgentMiss()).isEqualTo(Settings.AgentMiss.FAILURE);

        assertThatThrownBy(() -> Settings.from(new Env(Map.of("QATECH_TEST_PLAN", "checkout"))))
                .hasMessageContaining("QATECH_TEST_PLAN 'checkout' is not a QA.tech test plan short id");
        assertThatThrownBy(() -> Settings.from(new Env(Map.of("QA_STATUS_ON_AGENT_MISS", "pass"))))
                .hasMessageContaining("QA_STATUS_ON_AGENT_MISS must be error or failure");
    }

    @Test
    void aRepositorysFileSetsItsPlansAndAgentMissOverTheBridges() {
        Settings bridge = Settings.from(new Env(Map.of("QATECH_TEST_PLAN", "pln_all")));
        RepoSettings.Parsed parsed = RepoSettings.parse("""
                qatech:
                  testPlan: pln_repo
                autoRun:
                  testPlan: pln_smoke
                status:
                  onAgentMiss: failure
                """);
        assertThat(parsed).isInstanceOf(RepoSettings.Valid.class);
        Settings s = bridge.with(((RepoSettings.Valid) parsed).settings());
        assertThat(s.qatech().testPlan()).contains("pln_repo");
        assertThat(s.autoRun().testPlan()).contains("pln_smoke");
        assertThat(s.status().onAgentMiss()).isEqualTo(Settings.AgentMiss.FAILURE);

        assertThat(RepoSettings.parse("qatech:\n  testPlan: smoke\n")).isInstanceOfSatisfying(RepoSettings.Problem.class,
                p -> assertThat(p.message()).contains("`qatech.testPlan`", "line 2", "not a QA.tech test plan short id"));
        assertThat(RepoSettings.parse("status:\n  onAgentMiss: ignore\n")).isInstanceOfSatisfying(RepoSettings.Problem.class,
                p -> assertThat(p.message()).contains("`status.onAgentMiss`", "error or failure"));
    }
}
