package dev.qabridge.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RepoSettingsTest {

    private static final String GOOD = """
            # qa-bridge settings for this repository
            qatech:
              applicationId: app_shop
              projectId: proj_shop
            preview:
              urlTemplate: https://pr-{number}.preview.example.com
            autoRun:
              environments: ["*preview*", "review/*"]
              message: Test what this PR changes on its preview.
            trusted:
              associations: [OWNER, member]
              minAccessLevel: 40
            """;

    private static RepoSettings valid(String text) {
        RepoSettings.Parsed parsed = RepoSettings.parse(text);
        assertThat(parsed).isInstanceOf(RepoSettings.Valid.class);
        return ((RepoSettings.Valid) parsed).settings();
    }

    private static String problem(String text) {
        RepoSettings.Parsed parsed = RepoSettings.parse(text);
        assertThat(parsed).isInstanceOf(RepoSettings.Problem.class);
        return ((RepoSettings.Problem) parsed).message();
    }

    @Test
    void readsEveryKeyOfAGoodFile() {
        RepoSettings r = valid(GOOD);
        assertThat(r.applicationId()).contains("app_shop");
        assertThat(r.projectId()).contains("proj_shop");
        assertThat(r.urlTemplate()).contains("https://pr-{number}.preview.example.com");
        assertThat(r.autoRunEnvironments()).contains(List.of("*preview*", "review/*"));
        assertThat(r.autoRunMessage()).contains("Test what this PR changes on its preview.");
        assertThat(r.associations().orElseThrow()).containsExactlyInAnyOrder("OWNER", "MEMBER");
        assertThat(r.minAccessLevel()).contains(40);
        assertThat(r.vercel()).isEmpty();
    }

    @Test
    void anEmptyOrCommentOnlyFileChangesNothing() {
        assertThat(valid("")).isEqualTo(RepoSettings.NONE);
        assertThat(valid("# nothing yet\n")).isEqualTo(RepoSettings.NONE);
        assertThat(valid("autoRun:\n  environments: []\n").autoRunEnvironments()).contains(List.of());
    }

    @Test
    void anUnknownKeyIsNamedWithItsLine() {
        assertThat(problem("qatech:\n  applicationId: app_shop\n  appId: app_x\n"))
                .contains("unknown key `qatech.appId`", "line 3", "applicationId, projectId");
        assertThat(problem("qatech:\n  applicationId: app_shop\nautorun:\n  message: hi\n"))
                .contains("unknown key `autorun`", "line 3");
    }

    @Test
    void aWrongTypeIsNamed() {
        assertThat(problem("autoRun:\n  environments: \"*preview*\"\n"))
                .contains("`autoRun.environments`", "line 2", "list of strings", "not a string");
        assertThat(problem("trusted:\n  minAccessLevel: developer\n")).contains("`trusted.minAccessLevel`", "line 2");
        assertThat(problem("qatech: app_shop\n")).contains("`qatech`", "line 1", "mapping");
        assertThat(problem("- app_shop\n")).contains("must be a mapping");
    }

    @Test
    void aBadApplicationOrProjectIdIsNamed() {
        assertThat(problem("qatech:\n  applicationId: shop\n"))
                .contains("`qatech.applicationId`", "line 2", "'shop'", "application short id");
        assertThat(problem("qatech:\n  projectId: app_shop\n")).contains("`qatech.projectId`", "project short id");
    }

    @Test
    void otherProblemsAreNamed() {
        assertThat(problem("preview:\n  urlTemplate: ftp://x.example.com\n")).contains("`preview.urlTemplate`", "http(s) URL");
        assertThat(problem("trusted:\n  associations: [OWNER, FRIEND]\n")).contains("'FRIEND'");
        assertThat(problem("trusted:\n  associations: []\n")).contains("nobody could run commands");
        assertThat(problem("qatech:\n  applicationId: [app_x\n")).contains("not valid YAML", "line");
    }

    @Test
    void theRepositoryFileOverridesOnlyWhatItSets() {
        Settings bridge = Settings.from(new Env(Map.of("QATECH_APPLICATION_ID", "app_bridge", "QATECH_PROJECT_ID", "proj_bridge",
                "PREVIEW_URL_TEMPLATE", "https://bridge-{number}.example.com")));
        Settings effective = bridge.with(valid("qatech:\n  applicationId: app_repo\ntrusted:\n  minAccessLevel: 40\n"));
        assertThat(effective.qatech().applicationId()).contains("app_repo");
        assertThat(effective.qatech().projectId()).contains("proj_bridge");
        assertThat(effective.preview().urlTemplate()).contains("https://bridge-{number}.example.com");
        assertThat(effective.trusted().gitlabMinAccessLevel()).isEqualTo(40);
        assertThat(effective.trusted().associations()).isEqualTo(bridge.trusted().associations());
        assertThat(effective.autoRun().environments()).isEqualTo(bridge.autoRun().environments());
        assertThat(effective.preview().onVercel()).isFalse();

        Settings off = bridge.with(valid("autoRun:\n  environments: []\npreview:\n  vercel: true\n"));
        assertThat(off.autoRun().runs("Preview")).isFalse();
        assertThat(off.preview().onVercel()).isTrue();
        assertThat(bridge.with(RepoSettings.NONE)).isEqualTo(bridge);
        assertThat(off.qatech().applicationId()).isEqualTo(Optional.of("app_bridge"));
    }
}
