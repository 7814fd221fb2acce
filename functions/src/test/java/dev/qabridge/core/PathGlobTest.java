package dev.qabridge.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathGlobTest {

    private static boolean m(String glob, String path) {
        return PathGlob.of(glob).matches(path);
    }

    @Test
    void aStarStaysInItsDirectoryAndADoubleStarCrossesThem() {
        assertThat(m("*.md", "README.md")).isTrue();
        assertThat(m("*.md", "docs/README.md")).isFalse();
        assertThat(m("docs/*", "docs/a.md")).isTrue();
        assertThat(m("docs/*", "docs/guide/a.md")).isFalse();
        assertThat(m("docs/**", "docs/guide/a.md")).isTrue();
        assertThat(m("docs/**", "docsy/a.md")).isFalse();
        assertThat(m("**.js", "src/app/main.js")).isTrue();
        assertThat(m("src/**/test/*.ts", "src/test/a.ts")).isTrue();
        assertThat(m("src/**/test/*.ts", "src/a/b/test/a.ts")).isTrue();
        assertThat(m("src/**/test/*.ts", "src/a/btest/a.ts")).isFalse();
    }

    @Test
    void leadingDoubleStarSlashMatchesZeroOrMoreWholeDirectories() {
        assertThat(m("**/*.md", "README.md")).isTrue();
        assertThat(m("**/*.md", "a/b/c/README.md")).isTrue();
        assertThat(m("**/foo", "barfoo")).isFalse();
        assertThat(m("**/foo", "bar/foo")).isTrue();
        assertThat(m("**/foo", "foo")).isTrue();
    }

    @Test
    void questionMarksAndLiteralsAndCase() {
        assertThat(m("v?.txt", "v1.txt")).isTrue();
        assertThat(m("v?.txt", "v/.txt")).isFalse();
        assertThat(m("Docs/**", "docs/a")).isFalse();
        assertThat(m("release/*", "release/1.2")).isTrue();
        assertThat(m("main", "main")).isTrue();
        assertThat(m("main", "maint")).isFalse();
        assertThat(m("", "")).isTrue();
        assertThat(m("", "a")).isFalse();
    }

    @Test
    void aPatternWrittenToBeSlowCostsWhatAnyPatternOfItsLengthDoes() {
        String hostile = "*a".repeat(99) + "b";   // 199 characters: exponential for a backtracking matcher
        String path = "a".repeat(4_000);
        assertThat(PathGlob.of(hostile).matches(path)).isFalse();
        assertThat(PathGlob.of(hostile).matches(path + "b")).isTrue();
        assertThat(PathGlob.of("**" + "/*".repeat(50)).matches("a/".repeat(2_000) + "b")).isTrue();
    }

    @Test
    void tooLongPatternsAreRefusedAndTooLongPathsMatchNothing() {
        assertThatThrownBy(() -> PathGlob.of("a".repeat(PathGlob.MAX_PATTERN + 1))).hasMessageContaining("at most 200");
        assertThat(m("**", "a".repeat(PathGlob.MAX_PATH + 1))).isFalse();
        assertThat(PathGlob.anyMatches(PathGlob.all(List.of("docs/**", "*.md")), "x.md")).isTrue();
    }
}
