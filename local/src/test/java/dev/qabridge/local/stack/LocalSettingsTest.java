package dev.qabridge.local.stack;

import dev.qabridge.core.Env;
import dev.qabridge.core.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LocalSettingsTest {

    @Test
    void readsDotEnvLinesTheWayShellsWriteThem() {
        Map<String, String> values = LocalSettings.parseDotEnv(List.of(
                "# comment", "", "QATECH_API_KEY=abc", "export GITHUB_TOKEN = 'ghp x' ", "QA_COMMAND=\"/test\"",
                "PREVIEW_URL_TEMPLATE=https://pr-{number}.example.com # our previews", "EMPTY=", "not a setting"));

        assertThat(values).containsExactlyInAnyOrderEntriesOf(Map.of(
                "QATECH_API_KEY", "abc", "GITHUB_TOKEN", "ghp x", "QA_COMMAND", "/test",
                "PREVIEW_URL_TEMPLATE", "https://pr-{number}.example.com", "EMPTY", ""));
    }

    @Test
    void anEmptyAutoRunEnvironmentsInDotEnvDisablesAutomaticRunsAsItDoesWhenDeployed(@TempDir Path dir) throws Exception {
        Path dotEnv = dir.resolve(".env");
        Files.writeString(dotEnv, "QATECH_API_KEY=k\nAUTO_RUN_ENVIRONMENTS=\n");

        Map<String, String> settings = LocalSettings.load(dotEnv);

        assertThat(settings).containsEntry("AUTO_RUN_ENVIRONMENTS", "");
        assertThat(Settings.from(new Env(settings)).autoRun().noRunBecause("Preview"))
                .contains("automatic runs are disabled (AUTO_RUN_ENVIRONMENTS is empty)");
    }

    @Test
    void aRequiredSettingLeftEmptyAsInDotEnvExampleIsMissing() {
        List<String> missing = LocalSettings.missing(Map.of("QATECH_API_KEY", "", "QATECH_APPLICATION_ID", "app_x",
                "GITHUB_TOKEN", "t", "GITHUB_WEBHOOK_SECRET", " "));

        assertThat(missing).hasSize(2);
        assertThat(missing.get(0)).startsWith("QATECH_API_KEY:");
        assertThat(missing.get(1)).startsWith("GITHUB_WEBHOOK_SECRET:");
    }

    @Test
    void namesEachMissingSettingWithWhereToGetIt() {
        List<String> missing = LocalSettings.missing(Map.of("GITHUB_WEBHOOK_SECRET", "s"));

        assertThat(missing).hasSize(3);
        assertThat(missing.get(0)).startsWith("QATECH_API_KEY:").contains("API Keys");
        assertThat(missing.get(1)).startsWith("QATECH_APPLICATION_ID:");
        assertThat(missing.get(2)).startsWith("GITHUB_TOKEN:").contains("Pull requests");
    }

    @Test
    void asksForOnePlatformWhenNoneIsConfigured() {
        assertThat(LocalSettings.missing(Map.of("QATECH_API_KEY", "k", "QATECH_APPLICATION_ID", "app_x")))
                .singleElement().asString().contains("GITHUB_TOKEN", "GITLAB_TOKEN");
    }

    @Test
    void isContentWithAGitLabOnlySetup() {
        assertThat(LocalSettings.missing(Map.of("QATECH_API_KEY", "k", "QATECH_APPLICATION_ID", "app_x",
                "GITLAB_TOKEN", "t", "GITLAB_WEBHOOK_SECRET", "s"))).isEmpty();
    }

    @Test
    void aGitHubAppNeedsNoTokenButBothItsIdAndItsKey() {
        Map<String, String> base = Map.of("QATECH_API_KEY", "k", "QATECH_APPLICATION_ID", "app_x", "GITHUB_WEBHOOK_SECRET", "s");
        var app = new java.util.HashMap<>(base);
        app.put("GITHUB_APP_ID", "4242");
        app.put("GITHUB_APP_PRIVATE_KEY", "-----BEGIN RSA PRIVATE KEY-----\\n...\\n-----END RSA PRIVATE KEY-----");
        assertThat(LocalSettings.missing(app)).isEmpty();
        app.remove("GITHUB_APP_PRIVATE_KEY");
        assertThat(LocalSettings.missing(app)).singleElement().asString().startsWith("GITHUB_APP_PRIVATE_KEY:").contains("Private keys");
    }
}
