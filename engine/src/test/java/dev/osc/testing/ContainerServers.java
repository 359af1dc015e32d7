package dev.osc.testing;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.utility.DockerImageName;

import java.util.Locale;

/** Test servers in Docker containers via Testcontainers, for MySQL versions this machine cannot run itself. */
final class ContainerServers {
    private static final String ROOT_PASSWORD = "osc-test";
    private static final int SERVER_PORT = 3306;

    /** What osc needs from the server; the images take these as mysqld/mariadbd options. */
    private static final String[] SERVER_ARGS = {
            "--log-bin", "--binlog-format=ROW", "--binlog-row-image=FULL", "--binlog-row-metadata=FULL",
            "--server-id=1"};

    private ContainerServers() {
    }

    static boolean isDockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static String noDockerMessage(String image) {
        return TestServerLauncher.DOCKER_IMAGE_ENV + "=" + image + " asks for a Docker container but no Docker"
                + " engine is available: skipping (unset it to test against a local MariaDB)";
    }

    static TestServerLauncher.Launched start(String image) {
        if (!isDockerAvailable()) {
            Assumptions.abort(noDockerMessage(image));
        }
        JdbcDatabaseContainer<?> container = create(image);
        container.withUsername("root");
        container.withPassword(ROOT_PASSWORD);
        container.withCommand(SERVER_ARGS);
        container.start();
        try {
            TestServer server = new TestServer(container.getHost(), container.getMappedPort(SERVER_PORT), "root",
                    ROOT_PASSWORD, TestServerLauncher.defaultUrlParameters());
            return new TestServerLauncher.Launched(server, container::stop);
        } catch (RuntimeException e) {
            container.stop();
            throw e;
        }
    }

    private static JdbcDatabaseContainer<?> create(String image) {
        DockerImageName name = DockerImageName.parse(image);
        if (image.toLowerCase(Locale.ROOT).contains("mariadb")) {
            return new MariaDBContainer(name.asCompatibleSubstituteFor("mariadb"));
        }
        return new MySQLContainer(name.asCompatibleSubstituteFor("mysql"));
    }
}
