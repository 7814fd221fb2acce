package dev.qabridge.local.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The moto child process: stopped with everything it started, and its log gone after a clean stop. */
class MotoServerIT {

    @Test
    void aStoppedMotoLeavesNoProcessAndNoLogBehind(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("qa-bridge-moto-test.log");
        List<Long> pids;
        try (MotoServer moto = MotoServer.start(freePort(), freePort(), log)) {
            pids = moto.pids();
            assertThat(log).exists();
        }

        assertThat(log).as("deleted on a clean stop").doesNotExist();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pids)
                .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }

    @Test
    void theMissingMotoParagraphNamesTheVenvAndHowToFillIt() {
        Path venv = Path.of("/home/someone/.cache/qa-bridge/moto-venv");

        String said = MotoServer.notFound(venv, "python3 -m venv: ensurepip is not available");

        assertThat(said).contains("venv\n" + venv + ", and installing it there failed (is PyPI reachable from here?):\n"
                + "  python3 -m venv: ensurepip is not available\n", venv + "/bin/pip install \"moto[server]>=5.1,<6\"");
        assertThat(said.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(110));
        assertThat(MotoServer.venv()).isEqualTo(Path.of(System.getenv("HOME"), ".cache", "qa-bridge", "moto-venv"));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
