package dev.qabridge.flow;

import dev.qabridge.core.ApiException;
import dev.qabridge.core.Env;
import dev.qabridge.core.Origin;
import dev.qabridge.core.Platform;
import dev.qabridge.core.Settings;
import dev.qabridge.core.TransientApiError;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepoConfigTest {
    private final Settings base = Settings.from(new Env(Map.of("QATECH_APPLICATION_ID", "app_bridge")));
    private final Fakes.TestClock clock = new Fakes.TestClock();
    private final Fakes.Host host = new Fakes.Host();
    private final RepoConfig config = new RepoConfig(base, clock);

    private static Origin repo(String name) {
        return new Origin(Platform.GITHUB, name, "", 0, "", 0);
    }

    @Test
    void readsTheFileOncePerMinutePerRepository() {
        host.settingsFile = () -> Optional.of("qatech:\n  applicationId: app_repo\n");
        assertThat(config.load(host, repo("acme/shop"), "main", "d").settings().qatech().applicationId()).contains("app_repo");
        clock.now = clock.now.plus(Duration.ofSeconds(59));
        config.load(host, repo("acme/shop"), "main", "d");
        assertThat(host.settingsReads).isEqualTo(1);
        config.load(host, repo("acme/other"), "main", "d");
        assertThat(host.settingsReads).isEqualTo(2);
        clock.now = clock.now.plus(Duration.ofSeconds(2));
        config.load(host, repo("acme/shop"), "main", "d");
        assertThat(host.settingsReads).isEqualTo(3);
    }

    @Test
    void noFileKeepsTheBridgeSettingsAndATransientFailureIsNotTakenForNoFile() {
        assertThat(config.load(host, repo("acme/none"), "main", "d").settings()).isEqualTo(base);
        host.settingsFile = () -> { throw new TransientApiError("GitHub answered 502", new ApiException("GitHub", 502, "")); };
        assertThatThrownBy(() -> config.load(host, repo("acme/err"), "main", "d")).isInstanceOf(TransientApiError.class);
    }

    @Test
    void aRefusalIsRememberedForTheMinuteInsteadOfAskedAgainPerDelivery() {
        host.settingsFile = () -> { throw new ApiException("GitHub", 403, "Resource not accessible by personal access token"); };
        assertThat(config.load(host, repo("acme/locked"), "main", "d1").settings()).isEqualTo(base);
        config.load(host, repo("acme/locked"), "main", "d2");
        assertThat(host.settingsReads).isEqualTo(1);
        clock.now = clock.now.plus(Duration.ofSeconds(61));
        config.load(host, repo("acme/locked"), "main", "d3");
        assertThat(host.settingsReads).isEqualTo(2);
    }

    @Test
    void anInvalidFileKeepsTheBridgeSettingsAndCarriesItsProblemAndText() {
        host.settingsFile = () -> Optional.of("qatech:\n  applicationId: shop\n");
        RepoConfig.Loaded loaded = config.load(host, repo("acme/shop"), "main", "d");
        assertThat(loaded.settings()).isEqualTo(base);
        assertThat(loaded.problem()).hasValueSatisfying(p -> assertThat(p).contains("`qatech.applicationId`", "line 2"));
        assertThat(loaded.file()).contains("applicationId: shop");
        assertThat(RepoConfig.apply(base, loaded.file()).problem()).isEqualTo(loaded.problem());
        assertThat(loaded.fileHash()).hasSize(64);
    }

    @Test
    void anOversizedFileIsAProblemNotAParse() {
        RepoConfig.Loaded loaded = RepoConfig.apply(base, "# " + "x".repeat(RepoConfig.MAX_FILE));
        assertThat(loaded.problem()).hasValueSatisfying(p -> assertThat(p).contains("larger than 16 KB"));
        assertThat(loaded.file().length()).isEqualTo(RepoConfig.MAX_FILE);
    }
}
