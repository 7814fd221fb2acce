package dev.qabridge.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class SkipRulesTest {
    private static final Settings.Skip NONE = new Settings.Skip(false, false, List.of(), List.of(), List.of(), List.of());

    private static PullRequest pr(PullRequest.Traits traits) {
        return new PullRequest("acme/shop", 7, "Cart", "abc", "feature/cart", "https://x", "", new Person("octocat", 1, "MEMBER"), false, traits);
    }

    private static final PullRequest PLAIN = pr(new PullRequest.Traits(false, List.of("bug"), false, "main"));
    private final AtomicInteger fileReads = new AtomicInteger();

    private SkipRules.Decision decide(Settings.Skip rules, PullRequest pr, boolean bot, List<String> files, boolean complete) {
        return SkipRules.decide(rules, pr, () -> bot, () -> {
            fileReads.incrementAndGet();
            return new CodeHost.ChangedFiles(files, files.size(), complete);
        });
    }

    @Test
    void noRuleSetRunsWithoutReadingTheFiles() {
        SkipRules.Decision d = decide(new Settings.Skip(true, true, List.of("no-qa"), List.of(), List.of(), List.of()), PLAIN, false,
                List.of("a"), true);
        assertThat(d.skip()).isEmpty();
        assertThat(d.note()).isEmpty();
        assertThat(fileReads).hasValue(0);
    }

    @Test
    void eachRuleNamesItselfAndTheCheapOnesComeFirst() {
        PullRequest draft = pr(new PullRequest.Traits(true, List.of("No-QA"), true, "develop"));
        Settings.Skip all = new Settings.Skip(true, true, List.of("no-qa"), List.of("src/**"), List.of("docs/**"), List.of("main", "release/*"));
        assertThat(decide(all, draft, true, List.of("docs/a.md"), true).skip()).get()
                .satisfies(s -> assertThat(s.rule()).isEqualTo("branches"))
                .satisfies(s -> assertThat(s.reason()).contains("autoRun.branches (main, release/*)").doesNotContain("develop"));
        Settings.Skip noBranches = new Settings.Skip(true, true, List.of("no-qa"), List.of("src/**"), List.of("docs/**"), List.of());
        assertThat(decide(noBranches, draft, true, List.of(), true).skip().orElseThrow().rule()).isEqualTo("skipDrafts");
        Settings.Skip bots = new Settings.Skip(false, true, List.of("no-qa"), List.of(), List.of(), List.of());
        assertThat(decide(bots, draft, true, List.of(), true).skip().orElseThrow().rule()).isEqualTo("skipBots");
        Settings.Skip labels = new Settings.Skip(false, false, List.of("skip", "no-qa"), List.of(), List.of(), List.of());
        assertThat(decide(labels, draft, true, List.of(), true).skip().orElseThrow())
                .satisfies(s -> assertThat(s.rule()).isEqualTo("skipLabels"))
                .satisfies(s -> assertThat(s.reason()).isEqualTo("labelled no-qa (autoRun.skipLabels)"));
        assertThat(fileReads).hasValue(0);
    }

    @Test
    void pathsRunOnlyWhenAChangedFileMatches() {
        Settings.Skip paths = new Settings.Skip(false, false, List.of(), List.of("src/**", "package.json"), List.of(), List.of());
        assertThat(decide(paths, PLAIN, false, List.of("docs/a.md", "src/cart.ts"), true).skip()).isEmpty();
        assertThat(decide(paths, PLAIN, false, List.of("docs/a.md", "README.md"), true).skip().orElseThrow())
                .satisfies(s -> assertThat(s.rule()).isEqualTo("paths"))
                .satisfies(s -> assertThat(s.reason()).isEqualTo("no changed file matches autoRun.paths (src/**, package.json)"));
        // more files than could be listed: the unlisted ones may match, so it runs and says why
        SkipRules.Decision cut = decide(paths, PLAIN, false, List.of("docs/a.md"), false);
        assertThat(cut.skip()).isEmpty();
        assertThat(cut.note()).contains("autoRun.paths cannot rule it out");
    }

    @Test
    void ignorePathsSkipOnlyWhenEveryChangedFileMatches() {
        Settings.Skip ignore = new Settings.Skip(false, false, List.of(), List.of(), List.of("docs/**", "**/*.md"), List.of());
        assertThat(decide(ignore, PLAIN, false, List.of("docs/guide/a.png", "README.md"), true).skip().orElseThrow())
                .satisfies(s -> assertThat(s.rule()).isEqualTo("ignorePaths"))
                .satisfies(s -> assertThat(s.reason()).isEqualTo("all 2 changed files match autoRun.ignorePaths (docs/**, **/*.md)"));
        assertThat(decide(ignore, PLAIN, false, List.of("README.md", "src/cart.ts"), true).skip()).isEmpty();
        assertThat(decide(ignore, PLAIN, false, List.of(), true).skip()).isEmpty();
        assertThat(decide(ignore, PLAIN, false, List.of("docs/a.md"), false).note()).contains("autoRun.ignorePaths cannot rule it out");
    }

    @Test
    void threeThousandFilesAndAThousandLabelsAreReadInLinearTime() {
        List<String> files = new ArrayList<>(IntStream.range(0, 3_000).mapToObj(i -> "docs/section-" + i + "/page.md").toList());
        Settings.Skip ignore = new Settings.Skip(false, false, List.of(), List.of(), List.of("docs/**"), List.of());
        assertThat(decide(ignore, PLAIN, false, files, true).skip().orElseThrow().reason()).startsWith("all 3000 changed files");
        List<String> labels = IntStream.range(0, 1_000).mapToObj(i -> "label-" + i).toList();
        PullRequest labelled = pr(new PullRequest.Traits(false, labels, false, "main"));
        Settings.Skip skipLabels = new Settings.Skip(false, false, List.of("label-999"), List.of(), List.of(), List.of());
        assertThat(decide(skipLabels, labelled, false, List.of(), true).skip().orElseThrow().reason()).contains("label-999");
        assertThat(decide(NONE, labelled, false, List.of(), true).skip()).isEmpty();
    }
}
