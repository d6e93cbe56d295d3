package org.liveatlas.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** {@link AtlasStack#up} against fake services: a failed up stops what it started and nothing else. */
class AtlasStackTest {
    private final List<String> events = new ArrayList<>();
    private final List<String> printed = new ArrayList<>();

    @Test
    void aServiceThatNeverBecomesHealthyStopsTheServicesThisUpStartedButNotThoseRunningBefore() {
        FakeService kafka = new FakeService(ServiceName.KAFKA, Behaviour.STARTS);
        FakeService s3 = new FakeService(ServiceName.S3, Behaviour.ALREADY_RUNNING);
        FakeService openSearch = new FakeService(ServiceName.OPENSEARCH, Behaviour.EXITS_WHILE_STARTING);
        FakeService flink = new FakeService(ServiceName.FLINK, Behaviour.STARTS);
        AtlasStack stack = new AtlasStack(StackConfig.defaults(), List.of(kafka, s3, openSearch, flink));

        assertThatThrownBy(() -> stack.up(printed::add))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("OpenSearch with k-NN exited while starting");

        assertThat(events)
                .containsExactly(
                        "start kafka",
                        "start s3",
                        "start opensearch",
                        "start flink",
                        "stop flink",
                        "stop opensearch",
                        "stop kafka");
        assertThat(kafka.running).isFalse();
        assertThat(s3.running).isTrue();
        assertThat(flink.running).isFalse();
        assertThat(printed)
                .contains(
                        "stopped Flink session cluster (started by this up)",
                        "stopped OpenSearch with k-NN (started by this up; it had already exited)",
                        "stopped Kafka broker (KRaft) (started by this up)")
                .noneMatch(line -> line.startsWith("stopped S3"));
        assertThat(stack.startedHere()).isEmpty();
    }

    @Test
    void aServiceThatCannotStartStopsTheOnesStartedBeforeIt() {
        FakeService kafka = new FakeService(ServiceName.KAFKA, Behaviour.STARTS);
        FakeService s3 = new FakeService(ServiceName.S3, Behaviour.STARTS);
        FakeService openSearch = new FakeService(ServiceName.OPENSEARCH, Behaviour.PORT_TAKEN);
        FakeService flink = new FakeService(ServiceName.FLINK, Behaviour.STARTS);
        AtlasStack stack = new AtlasStack(StackConfig.defaults(), List.of(kafka, s3, openSearch, flink));

        assertThatThrownBy(() -> stack.up(printed::add)).hasMessageContaining("already in use");

        assertThat(events).containsExactly("start kafka", "start s3", "start opensearch", "stop s3", "stop kafka");
        assertThat(List.of(kafka.running, s3.running, flink.running)).containsOnly(false);
    }

    @Test
    void externalAndAlreadyRunningServicesAreNeverStoppedByAFailedUp() {
        FakeService kafka = new FakeService(ServiceName.KAFKA, Behaviour.EXTERNAL);
        FakeService s3 = new FakeService(ServiceName.S3, Behaviour.ALREADY_RUNNING);
        FakeService openSearch = new FakeService(ServiceName.OPENSEARCH, Behaviour.EXITS_WHILE_STARTING);
        AtlasStack stack = new AtlasStack(StackConfig.defaults(), List.of(kafka, s3, openSearch));

        assertThatThrownBy(() -> stack.up(printed::add)).isInstanceOf(StackException.class);

        assertThat(events).containsExactly("start kafka", "start s3", "start opensearch", "stop opensearch");
        assertThat(kafka.running).isTrue();
        assertThat(s3.running).isTrue();
    }

    @Test
    void stopStartedHereAfterAnUpThatStartedNothingStopsNothing() {
        FakeService s3 = new FakeService(ServiceName.S3, Behaviour.ALREADY_RUNNING);
        AtlasStack stack = new AtlasStack(StackConfig.defaults(), List.of(s3));

        assertThat(stack.stopStartedHere(printed::add)).isEmpty();

        assertThat(events).isEmpty();
        assertThat(s3.running).isTrue();
    }

    @Test
    void aServiceThatCannotBeStoppedIsReportedAndTheOthersAreStillStopped() {
        FakeService kafka = new FakeService(ServiceName.KAFKA, Behaviour.STARTS);
        FakeService s3 = new FakeService(ServiceName.S3, Behaviour.STARTS_BUT_WONT_STOP);
        FakeService openSearch = new FakeService(ServiceName.OPENSEARCH, Behaviour.EXITS_WHILE_STARTING);
        AtlasStack stack = new AtlasStack(StackConfig.defaults(), List.of(kafka, s3, openSearch));

        assertThatThrownBy(() -> stack.up(printed::add)).isInstanceOf(StackException.class);

        assertThat(kafka.running).isFalse();
        assertThat(printed)
                .contains("could not stop S3 object store: S3 object store (pid 42) did not exit after SIGKILL;"
                        + " stop it with ./atlas down")
                .contains("stopped Kafka broker (KRaft) (started by this up)");
    }

    private enum Behaviour {
        STARTS,
        STARTS_BUT_WONT_STOP,
        ALREADY_RUNNING,
        EXTERNAL,
        EXITS_WHILE_STARTING,
        PORT_TAKEN
    }

    /** A service that records its starts and stops in {@link #events}. */
    private final class FakeService implements ServiceController {
        private final ServiceName name;
        private final Behaviour behaviour;
        boolean running;

        FakeService(ServiceName name, Behaviour behaviour) {
            this.name = name;
            this.behaviour = behaviour;
            this.running = behaviour == Behaviour.ALREADY_RUNNING || behaviour == Behaviour.EXTERNAL;
        }

        @Override
        public ServiceName name() {
            return name;
        }

        @Override
        public boolean external() {
            return behaviour == Behaviour.EXTERNAL;
        }

        @Override
        public String endpoint() {
            return "fake://" + name.id();
        }

        @Override
        public Health health() {
            return new Health(
                    name,
                    external(),
                    running,
                    running ? OptionalLong.of(42) : OptionalLong.empty(),
                    endpoint(),
                    running ? "up" : "not running",
                    0);
        }

        @Override
        public StartOutcome start() {
            events.add("start " + name.id());
            return switch (behaviour) {
                case ALREADY_RUNNING -> StartOutcome.ALREADY_RUNNING;
                case EXTERNAL -> StartOutcome.EXTERNAL;
                case PORT_TAKEN -> throw new StackException(name.title() + ": port 9200 is already in use");
                case EXITS_WHILE_STARTING, STARTS, STARTS_BUT_WONT_STOP -> {
                    running = behaviour != Behaviour.EXITS_WHILE_STARTING;
                    yield StartOutcome.STARTED;
                }
            };
        }

        @Override
        public void awaitHealthy(Duration timeout) {
            if (behaviour == Behaviour.EXITS_WHILE_STARTING) {
                throw new StackException(name.title() + " exited while starting");
            }
        }

        @Override
        public void stop(Duration timeout) {
            if (behaviour == Behaviour.STARTS_BUT_WONT_STOP) {
                throw new StackException(name.title() + " (pid 42) did not exit after SIGKILL");
            }
            if (external()) {
                return;
            }
            events.add("stop " + name.id());
            running = false;
        }

        @Override
        public Path logFile() {
            return Path.of(name.id() + ".log");
        }
    }
}
