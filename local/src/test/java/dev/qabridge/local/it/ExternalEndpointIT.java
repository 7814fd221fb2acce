package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalStack;
import dev.qabridge.local.stack.MotoServer;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./qa-bridge local --aws-endpoint <url> --lambda-port <port>}: the stack uses an endpoint that
 * someone else started (here a moto server started by the test with {@code MOTO_PORT} set) and leaves
 * it running when it stops.
 */
class ExternalEndpointIT {

    @Test
    void runsTheWholeFlowOnAnAlreadyRunningEndpointAndLeavesItRunning() throws Exception {
        int lambdaPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            lambdaPort = s.getLocalPort();
        }
        int motoPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            motoPort = s.getLocalPort();
        }
        try (MotoServer external = MotoServer.start(motoPort, lambdaPort, Files.createTempFile("qa-bridge-external-moto-", ".log"))) {
            Fakes fakes = new Fakes();
            Map<String, String> settings = new HashMap<>(StackFixture.defaults(fakes));
            try (StackFixture fx = new StackFixture(fakes,
                    LocalStack.start(settings, 0, LocalStack.root(), Optional.of(external.endpoint()), lambdaPort))) {
                assertThat(fx.stack.motoPid()).isEmpty();
                Scenarios.happyPath(fx);
            }
            assertThat(ProcessHandle.of(external.pid()).map(ProcessHandle::isAlive)).contains(true);
        }
    }
}
