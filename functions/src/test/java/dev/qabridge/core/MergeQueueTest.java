package dev.qabridge.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which PR a merge queue's ref stands for, and the mode words of QA_MERGE_QUEUE / mergeQueue.mode. */
class MergeQueueTest {

    @ParameterizedTest
    @CsvSource({
            "refs/heads/gh-readonly-queue/main/pr-42-6dcb09b5b57875f334f61aebed695e2e4193db5e, 42",
            "gh-readonly-queue/main/pr-7-6dcb09b5b57875f334f61aebed695e2e4193db5e, 7",
            "refs/heads/gh-readonly-queue/release/2.x/pr-1234-0a1b2c3, 1234",
            "refs/heads/gh-readonly-queue/main/pr-9, 9"})
    void aQueueRefNamesItsPullRequest(String ref, long number) {
        assertThat(MergeQueue.pullRequestOf(ref)).isEqualTo(OptionalLong.of(number));
        assertThat(MergeQueue.githubQueueBranch(ref)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"refs/heads/main", "refs/heads/gh-readonly-queue/main/pr--6dcb09b", "refs/heads/gh-readonly-queue/main/pr-0-6dcb09b",
            "refs/heads/gh-readonly-queue/pr-42-6dcb09b", "refs/heads/gh-readonly-queue/main/pr-42-not-a-sha",
            "refs/heads/feature/gh-readonly-queue/main/pr-42-6dcb09b", "refs/heads/gh-readonly-queue/main/pr-99999999999-6dcb09b", ""})
    void anyOtherRefNamesNoPullRequest(String ref) {
        assertThat(MergeQueue.pullRequestOf(ref)).isEmpty();
    }

    @Test
    void onlyTheQueuesOwnBranchesAreQueueBranches() {
        assertThat(MergeQueue.githubQueueBranch("gh-readonly-queue/main/pr-42-6dcb09b")).isTrue();
        assertThat(MergeQueue.githubQueueBranch("refs/heads/gh-readonly-queue/main/anything")).isTrue();
        assertThat(MergeQueue.githubQueueBranch("feature/gh-readonly-queue")).isFalse();
        assertThat(MergeQueue.githubQueueBranch("main")).isFalse();
        assertThat(MergeQueue.githubQueueBranch("6dcb09b5b57875f334f61aebed695e2e4193db5e")).isFalse();
    }

    @Test
    void aTrainRefNamesItsMergeRequest() {
        assertThat(MergeQueue.trainOf("refs/merge-requests/7/train")).isEqualTo(OptionalLong.of(7));
        assertThat(MergeQueue.trainOf("refs/merge-requests/7/head")).isEmpty();
        assertThat(MergeQueue.trainOf("refs/merge-requests/7/merge")).isEmpty();
        assertThat(MergeQueue.trainOf("main")).isEmpty();
        assertThat(MergeQueue.trainOf("refs/merge-requests/0/train")).isEmpty();
    }

    @Test
    void theModeIsOneOfThreeWordsAndTheErrorNamesTheSetting() {
        assertThat(MergeQueue.mode("QA_MERGE_QUEUE", "mirror")).isEqualTo(MergeQueue.Mode.MIRROR);
        assertThat(MergeQueue.mode("QA_MERGE_QUEUE", " Pass ")).isEqualTo(MergeQueue.Mode.PASS);
        assertThat(MergeQueue.mode("QA_MERGE_QUEUE", "OFF")).isEqualTo(MergeQueue.Mode.OFF);
        assertThatThrownBy(() -> MergeQueue.mode("QA_MERGE_QUEUE", "skip"))
                .hasMessageContaining("QA_MERGE_QUEUE").hasMessageContaining("mirror, pass or off").hasMessageContaining("'skip'");
    }

    @Test
    void theBridgeMirrorsByDefaultAndTheRepositoryFileMayChooseOtherwise() {
        Settings bridge = Settings.from(new Env(Map.of()));
        assertThat(bridge.mergeQueue()).isEqualTo(MergeQueue.Mode.MIRROR);
        assertThat(Settings.from(new Env(Map.of("QA_MERGE_QUEUE", "pass"))).mergeQueue()).isEqualTo(MergeQueue.Mode.PASS);
        assertThatThrownBy(() -> Settings.from(new Env(Map.of("QA_MERGE_QUEUE", "yes")))).hasMessageContaining("QA_MERGE_QUEUE");

        for (String off : List.of("off", "\"off\"", "OFF")) {
            RepoSettings.Parsed parsed = RepoSettings.parse("mergeQueue:\n  mode: " + off + "\n");
            assertThat(parsed).as(off).isInstanceOf(RepoSettings.Valid.class);
            assertThat(bridge.with(((RepoSettings.Valid) parsed).settings()).mergeQueue()).as(off).isEqualTo(MergeQueue.Mode.OFF);
        }
        assertThat(RepoSettings.parse("mergeQueue:\n  mode: pass\n")).isEqualTo(new RepoSettings.Valid(new RepoSettings(Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(MergeQueue.Mode.PASS), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), RepoSettings.Skips.NONE, Optional.empty())));
        assertThat(RepoSettings.parse("mergeQueue:\n  mode: on\n")).isInstanceOfSatisfying(RepoSettings.Problem.class,
                p -> assertThat(p.message()).contains("`mergeQueue.mode`", "mirror, pass or off"));
        assertThat(RepoSettings.parse("mergeQueue:\n  mode: always\n")).isInstanceOfSatisfying(RepoSettings.Problem.class,
                p -> assertThat(p.message()).contains("`mergeQueue.mode`", "line 2", "mirror, pass or off", "'always'"));
        assertThat(RepoSettings.parse("mergeQueue:\n  required: true\n")).isInstanceOfSatisfying(RepoSettings.Problem.class,
                p -> assertThat(p.message()).contains("unknown key `mergeQueue.required`", "mode"));
    }
}
