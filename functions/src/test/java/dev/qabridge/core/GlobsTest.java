package dev.qabridge.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GlobsTest {

    @ParameterizedTest
    @CsvSource({
            "*preview*, Preview, true",
            "*preview*, Deploy Preview, true",
            "*preview*, preview/feature-x, true",
            "*preview*, Production, false",
            "review/*, review/feature-cart-totals, true",
            "review/*, Review/Feature/Nested, true",
            "review/*, review, false",
            "review/*, staging/review/x, false",
            "production, PRODUCTION, true",
            "pr-?, pr-7, true",
            "pr-?, pr-77, false",
            "a.b, axb, false",
            "(x)+, (x)+, true",
            "*, '', true",
            "a*a, a, false",
            "a*a, aa, true",
            "*a*b*, xxaxxbxx, true",
            "*a*b*, xxbxxaxx, false",
            "review/*/x, review/a/b/x, true",
            "?*?, ab, true",
            "?*?, a, false",
    })
    void matchesCaseInsensitivelyWithStarSpanningSlashes(String glob, String name, boolean expected) {
        assertThat(Globs.matches(glob, name)).isEqualTo(expected);
    }

    @Test
    void parsesCommaSeparatedListsAndEmptyMeansNone() {
        assertThat(Globs.parse(" *preview* , review/*,, ")).containsExactly("*preview*", "review/*");
        assertThat(Globs.parse("")).isEmpty();
        assertThat(Globs.matchesAny(List.of(), "Preview")).isFalse();
        assertThat(Globs.matchesAny(List.of("x", "*Preview"), "Preview")).isTrue();
    }

    @Test
    void autoRunSettingsDefaultAndEmptyDisables() {
        Settings defaults = Settings.from(new Env(Map.of()));
        assertThat(defaults.autoRun().environments()).containsExactly("*preview*", "review/*");
        assertThat(defaults.autoRun().runs("Preview")).isTrue();
        assertThat(defaults.autoRun().runs("review/feature-x")).isTrue();
        assertThat(defaults.autoRun().runs("Production")).isFalse();
        assertThat(defaults.autoRun().message()).contains("preview");

        Settings off = Settings.from(new Env(Map.of("AUTO_RUN_ENVIRONMENTS", "")));
        assertThat(off.autoRun().environments()).isEmpty();
        assertThat(off.autoRun().runs("Preview")).isFalse();

        Settings custom = Settings.from(new Env(Map.of("AUTO_RUN_ENVIRONMENTS", "staging", "AUTO_RUN_MESSAGE", "Smoke test it.")));
        assertThat(custom.autoRun().runs("Staging")).isTrue();
        assertThat(custom.autoRun().runs("Preview")).isFalse();
        assertThat(custom.autoRun().message()).isEqualTo("Smoke test it.");
    }

    @Test
    void aPatternThatWouldMakeABacktrackingMatcherExplodeIsAnsweredAtOnce() {
        String hostile = "*a*a*a*a*a*a*a*a*a*a*b";
        String name = "a".repeat(40);
        // a backtracking regex took 98 s of CPU on this pair; the piecewise matcher does a few hundred comparisons
        for (int i = 0; i < 1_000; i++) {
            assertThat(Globs.matches(hostile, name)).isFalse();
        }
        assertThat(Globs.matches(hostile, name + "b")).isTrue();
        assertThat(Globs.matches("*".repeat(150) + "b", "a".repeat(900))).isFalse();
    }

    @Test
    void overlongPatternsAndNamesNeverMatch() {
        assertThat(Globs.matches("*" + "x".repeat(Globs.MAX_PATTERN), "x")).isFalse();
        assertThat(Globs.matches("*", "x".repeat(Globs.MAX_NAME + 1))).isFalse();
    }
}
