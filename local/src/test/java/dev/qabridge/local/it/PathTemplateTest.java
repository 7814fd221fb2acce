package dev.qabridge.local.it;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class PathTemplateTest {
    private static PathTemplate t(String template, String... multiSegment) {
        return PathTemplate.parse(template, Set.of(multiSegment));
    }

    private static List<String> path(String path) {
        return GitHubRestSpec.decodedSegments(path);
    }

    @Test
    void capturesOneSegmentPerParameter() {
        assertThat(t("/repos/{owner}/{repo}/issues/{issue_number}/comments").match(path("/repos/acme/shop/issues/7/comments")))
                .contains(Map.of("owner", "acme", "repo", "shop", "issue_number", "7"));
    }

    @Test
    void aPlainParameterDoesNotSpanSegmentsOrMatchAnEmptyOne() {
        PathTemplate pulls = t("/repos/{owner}/{repo}/pulls/{pull_number}");

        assertThat(pulls.match(path("/repos/acme/shop/pulls/7/files"))).isEmpty();
        assertThat(pulls.match(path("/repos/acme/shop/pulls/"))).isEmpty();
        assertThat(pulls.match(path("/repos/acme/shop/pulls"))).isEmpty();
    }

    @Test
    void aMultiSegmentParameterTakesSlashesAndLeavesTheRestToLiterals() {
        assertThat(t("/repos/{owner}/{repo}/contents/{path}", "path").match(path("/repos/acme/shop/contents/.github/qa-bridge.yml")))
                .contains(Map.of("owner", "acme", "repo", "shop", "path", ".github/qa-bridge.yml"));
        assertThat(t("/repos/{owner}/{repo}/commits/{ref}/check-runs", "ref").match(path("/repos/acme/shop/commits/feature/x/check-runs")))
                .contains(Map.of("owner", "acme", "repo", "shop", "ref", "feature/x"));
    }

    @Test
    void decodesEachSegmentOnItsOwn() {
        assertThat(t("/repos/{owner}/{repo}/branches/{branch}").match(path("/repos/acme/shop/branches/feature%2Fx")))
                .contains(Map.of("owner", "acme", "repo", "shop", "branch", "feature/x"));
        assertThat(path("/search/a+b%20c")).containsExactly("search", "a+b c");
    }

    @Test
    void matchesTextAndParametersInOneSegment() {
        assertThat(t("/repos/{owner}/{repo}/compare/{base}...{head}").match(path("/repos/acme/shop/compare/main...feature")))
                .contains(Map.of("owner", "acme", "repo", "shop", "base", "main", "head", "feature"));
    }

    @Test
    void prefersTheTemplateWithMoreLiteralSegments() {
        PathTemplate byId = t("/repos/{owner}/{repo}/pulls/{pull_number}");
        PathTemplate comments = t("/repos/{owner}/{repo}/pulls/comments");
        PathTemplate anyRef = t("/repos/{owner}/{repo}/commits/{ref}", "ref");
        PathTemplate pulls = t("/repos/{owner}/{repo}/commits/{commit_sha}/pulls", "commit_sha");

        assertThat(Stream.of(byId, comments).filter(x -> x.match(path("/repos/a/b/pulls/comments")).isPresent())
                .max(PathTemplate.SPECIFICITY)).contains(comments);
        assertThat(Stream.of(anyRef, pulls).filter(x -> x.match(path("/repos/a/b/commits/abc/pulls")).isPresent())
                .max(PathTemplate.SPECIFICITY)).contains(pulls);
    }
}
