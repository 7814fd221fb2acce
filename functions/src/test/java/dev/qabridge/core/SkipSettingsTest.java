package dev.qabridge.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SkipSettingsTest {

    @Test
    void draftsAreSkippedByDefaultAndNothingElseIs() {
        Settings s = Settings.from(new Env(Map.of()));
        assertThat(s.autoRun().skip()).isEqualTo(new Settings.Skip(true, false, List.of(), List.of(), List.of(), List.of()));
        assertThat(s.status().onSkip()).isEqualTo(Settings.OnSkip.SUCCESS);
    }

    @Test
    void theEnvironmentSetsEveryRule() {
        Settings s = Settings.from(new Env(Map.of("AUTO_RUN_SKIP_DRAFTS", "false", "AUTO_RUN_SKIP_BOTS", "TRUE",
                "AUTO_RUN_SKIP_LABELS", "no-qa, skip-qa", "AUTO_RUN_PATHS", "src/**", "AUTO_RUN_IGNORE_PATHS", "docs/**,**/*.md",
                "AUTO_RUN_BRANCHES", "main,release/*", "QA_STATUS_ON_SKIP", "none")));
        assertThat(s.autoRun().skip()).isEqualTo(new Settings.Skip(false, true, List.of("no-qa", "skip-qa"), List.of("src/**"),
                List.of("docs/**", "**/*.md"), List.of("main", "release/*")));
        assertThat(s.status().onSkip()).isEqualTo(Settings.OnSkip.NONE);
        assertThatThrownBy(() -> Settings.from(new Env(Map.of("AUTO_RUN_SKIP_DRAFTS", "yes"))))
                .hasMessageContaining("AUTO_RUN_SKIP_DRAFTS must be true or false");
        assertThatThrownBy(() -> Settings.from(new Env(Map.of("QA_STATUS_ON_SKIP", "neutral"))))
                .hasMessageContaining("QA_STATUS_ON_SKIP must be success or none");
    }

    @Test
    void aRepositorysFileLaysItsRulesOverTheBridges() {
        Settings bridge = Settings.from(new Env(Map.of("AUTO_RUN_SKIP_LABELS", "no-qa", "AUTO_RUN_BRANCHES", "main")));
        RepoSettings.Parsed parsed = RepoSettings.parse("""
                autoRun:
                  skipDrafts: false
                  skipBots: true
                  ignorePaths: ["docs/**", "**/*.md"]
                  paths:
                    - src/**
                status:
                  onSkip: none
                """);
        assertThat(parsed).isInstanceOf(RepoSettings.Valid.class);
        Settings s = bridge.with(((RepoSettings.Valid) parsed).settings());
        assertThat(s.autoRun().skip()).isEqualTo(new Settings.Skip(false, true, List.of("no-qa"), List.of("src/**"),
                List.of("docs/**", "**/*.md"), List.of("main")));
        assertThat(s.status().onSkip()).isEqualTo(Settings.OnSkip.NONE);
    }

    @Test
    void badRulesAreNamedWithTheirLine() {
        assertThat(RepoSettings.parse("autoRun:\n  skipDrafts: maybe\n")).isInstanceOfSatisfying(RepoSettings.Problem.class,
                p -> assertThat(p.message()).contains("`autoRun.skipDrafts`", "line 2", "true or false"));
        assertThat(RepoSettings.parse("autoRun:\n  paths: src/**\n")).isInstanceOfSatisfying(RepoSettings.Problem.class,
                p -> assertThat(p.message()).contains("`autoRun.paths`", "list of strings"));
        String thousand = IntStream.range(0, 1_000).mapToObj(i -> "\"l" + i + "\"").collect(Collectors.joining(", ", "[", "]"));
        assertThat(RepoSettings.parse("autoRun:\n  skipLabels: " + thousand + "\n")).isInstanceOfSatisfying(RepoSettings.Problem.class,
                p -> assertThat(p.message()).contains("`autoRun.skipLabels`", "at most 100 entries", "it has 1000"));
        assertThat(RepoSettings.parse("autoRun:\n  ignorePaths: [\"" + "*".repeat(201) + "\"]\n")).isInstanceOfSatisfying(
                RepoSettings.Problem.class, p -> assertThat(p.message()).contains("`autoRun.ignorePaths`", "200 characters"));
        assertThat(RepoSettings.parse("status:\n  onSkip: neutral\n")).isInstanceOfSatisfying(RepoSettings.Problem.class,
                p -> assertThat(p.message()).contains("`status.onSkip`", "success or none"));
    }
}
