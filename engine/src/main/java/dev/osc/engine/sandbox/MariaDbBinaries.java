package dev.osc.engine.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The MariaDB server programs on this machine: the server itself and the data directory initialiser. */
record MariaDbBinaries(Path server, Path installDb) {

    static final String MISSING = "No MariaDB server binaries found (mariadbd, mariadb-install-db): "
            + "install them with `apt-get install mariadb-server` or set OSC_TEST_JDBC_URL";

    /** Debian puts the server in /usr/sbin, which is often not on a normal user's PATH. */
    private static final List<String> EXTRA_DIRS =
            List.of("/usr/sbin", "/usr/bin", "/usr/local/mysql/bin", "/usr/local/mysql/scripts");

    static MariaDbBinaries locate() {
        List<Path> dirs = searchDirs();
        Optional<Path> server = find(dirs, "mariadbd")
                .or(() -> find(dirs, "mysqld").filter(MariaDbBinaries::isMariaDb));
        Optional<Path> installDb = find(dirs, "mariadb-install-db");
        if (server.isEmpty() || installDb.isEmpty()) {
            throw new SandboxException(MISSING);
        }
        return new MariaDbBinaries(server.get(), installDb.get());
    }

    /**
     * The installation prefix to pass as --basedir, or empty when the binaries sit in /usr where the
     * tools find their files by themselves (a tarball under /usr/local/mysql needs it).
     */
    Optional<Path> baseDir() {
        Path prefix = server.getParent() == null ? null : server.getParent().getParent();
        if (prefix == null || prefix.equals(Path.of("/usr"))) {
            return Optional.empty();
        }
        return Optional.of(prefix);
    }

    private static List<Path> searchDirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    dirs.add(Path.of(entry));
                }
            }
        }
        EXTRA_DIRS.forEach(d -> dirs.add(Path.of(d)));
        return new ArrayList<>(dirs);
    }

    private static Optional<Path> find(List<Path> dirs, String name) {
        return dirs.stream()
                .map(d -> d.resolve(name))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    }

    /** mysqld is an alias of mariadbd on some systems but Oracle MySQL on others, whose flags differ. */
    private static boolean isMariaDb(Path mysqld) {
        try {
            Process p = new ProcessBuilder(mysqld.toString(), "--no-defaults", "--version")
                    .redirectErrorStream(true)
                    .start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return out.contains("MariaDB");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
